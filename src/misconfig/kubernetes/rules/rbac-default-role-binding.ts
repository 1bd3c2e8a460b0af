// admin and edit are Kubernetes' own aggregated roles: whoever holds them reads every secret and
// can exec into or create any pod where they apply (everywhere, through a ClusterRoleBinding).
// The roles themselves are not findings; binding them to an application's or a person's subject is.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import { asArray, asObj, label, line, str } from "../resource.js";
import { bindingYaml, isControlPlaneSubject, subjectText } from "../rbac.js";

const POWERFUL = new Set(["admin", "edit"]);

export const rbacDefaultRoleBinding: K8sRule = {
  id: "BW-K8S-049",
  title: "Binding to the admin or edit role",
  severity: "MEDIUM",
  remediation: "Bind a Role with only the permissions the subject needs instead of the admin or edit ClusterRole, and never through a ClusterRoleBinding.",
  references: { cis: "CIS Kubernetes 5.1.1", urls: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"] },
  check({ res }) {
    if (res.kind !== "RoleBinding" && res.kind !== "ClusterRoleBinding") return [];
    const ref = asObj(res.obj.roleRef);
    const role = str(ref.name) ?? "";
    if (str(ref.kind) !== "ClusterRole" || !POWERFUL.has(role)) return [];
    const subjects = asArray(res.obj.subjects).filter((s) => !isControlPlaneSubject(s));
    if (subjects.length === 0) return [];
    const scope = res.kind === "ClusterRoleBinding" ? "in every namespace" : `in namespace ${res.namespace ?? "default"}`;
    const h = hit(res, line(res, ["roleRef", "name"]), `${label(res)} grants the default ClusterRole ${role} ${scope} to ${subjects.map(subjectText).join(", ")}`);
    if (res.kind === "ClusterRoleBinding") h.severity = "HIGH";
    return [h];
  },
  examples: {
    good: [bindingYaml("RoleBinding", "view", ["- kind: ServiceAccount", "  name: web", "  namespace: shop"]), bindingYaml("RoleBinding", "edit", ["- kind: ServiceAccount", "  name: operator", "  namespace: kube-system"])],
    bad: [bindingYaml("RoleBinding", "edit", ["- kind: ServiceAccount", "  name: web", "  namespace: shop"]), bindingYaml("ClusterRoleBinding", "admin", ["- kind: Group", "  name: developers"])],
  },
};
