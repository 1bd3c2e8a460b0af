// cluster-admin is unrestricted; only the control plane's own identities should hold it.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import { asArray, asObj, label, line, str } from "../resource.js";
import { bindingYaml, isControlPlaneSubject, subjectText } from "../rbac.js";

export const rbacClusterAdmin: K8sRule = {
  id: "BW-K8S-041",
  title: "Binding to cluster-admin",
  severity: "HIGH",
  remediation: "Bind a role with only the permissions needed instead of cluster-admin.",
  references: { avd: "KSV111", cis: "CIS Kubernetes 5.1.1", kubescape: "C-0035" },
  check({ res }) {
    if (res.kind !== "RoleBinding" && res.kind !== "ClusterRoleBinding") return [];
    const ref = asObj(res.obj.roleRef);
    if (str(ref.kind) !== "ClusterRole" || str(ref.name) !== "cluster-admin") return [];
    // system:masters, system: users and kube-system accounts are the cluster's own; the
    // everyone groups (system:authenticated, system:serviceaccounts, ...) are not.
    const subjects = asArray(res.obj.subjects).filter((s) => !isControlPlaneSubject(s));
    if (subjects.length === 0) return [];
    return [hit(res, line(res, ["roleRef", "name"]), `${label(res)} grants cluster-admin to ${subjects.map(subjectText).join(", ")}`)];
  },
  examples: {
    good: [
      bindingYaml("ClusterRoleBinding", "view", ["- kind: User", "  name: alice", "  apiGroup: rbac.authorization.k8s.io"]),
      bindingYaml("ClusterRoleBinding", "cluster-admin", ["- kind: Group", "  name: system:masters"]),
      bindingYaml("ClusterRoleBinding", "cluster-admin", ["- kind: ServiceAccount", "  name: kube-controller", "  namespace: kube-system"]),
    ],
    bad: [
      bindingYaml("ClusterRoleBinding", "cluster-admin", ["- kind: User", "  name: alice", "  apiGroup: rbac.authorization.k8s.io"]),
      bindingYaml("ClusterRoleBinding", "cluster-admin", ["- kind: Group", "  name: system:serviceaccounts"]),
      bindingYaml("RoleBinding", "cluster-admin", ["- kind: ServiceAccount", "  name: app", "  namespace: shop"]),
    ],
  },
};
