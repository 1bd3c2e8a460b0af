// Binding a role to anonymous users hands its permissions to anyone who can reach the API server.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, asObj, label, line, str } from "../resource.js";
import { bindingYaml, isDefaultOpenBinding } from "../rbac.js";

const ANONYMOUS = new Set(["system:anonymous", "system:unauthenticated"]);

export const rbacAnonymous: K8sRule = {
  id: "BW-K8S-042",
  title: "Role bound to anonymous users",
  severity: "CRITICAL",
  remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects.",
  references: { avd: "KSV122", urls: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles"] },
  check({ res }) {
    if (res.kind !== "RoleBinding" && res.kind !== "ClusterRoleBinding") return [];
    // Kubernetes' own system:public-info-viewer binding lets anyone read /healthz and /version.
    if (isDefaultOpenBinding(res)) return [];
    const out: RuleHit[] = [];
    asArray(res.obj.subjects).forEach((s, i) => {
      const name = str(asObj(s).name) ?? "";
      if (ANONYMOUS.has(name)) out.push(hit(res, line(res, ["subjects", i]), `${label(res)} grants ${str(asObj(res.obj.roleRef).kind)} ${str(asObj(res.obj.roleRef).name)} to ${name}`));
    });
    return out;
  },
  examples: {
    good: [
      bindingYaml("ClusterRoleBinding", "view", ["- kind: Group", "  name: system:authenticated"]),
      bindingYaml("ClusterRoleBinding", "system:public-info-viewer", ["- kind: Group", "  name: system:authenticated", "- kind: Group", "  name: system:unauthenticated"]).replace("name: grant", "name: system:public-info-viewer"),
    ],
    bad: [
      bindingYaml("ClusterRoleBinding", "view", ["- kind: User", "  name: system:anonymous"]),
      bindingYaml("RoleBinding", "edit", ["- kind: Group", "  name: system:unauthenticated"]),
      bindingYaml("ClusterRoleBinding", "system:public-info-viewer", ["- kind: Group", "  name: system:unauthenticated"]),
    ],
  },
};
