// escalate/bind bypass RBAC's own escalation check; impersonate lets the holder act as anyone.
import type { K8sRule } from "../context.js";
import { eachPolicyRule, grants, roleYaml } from "../rbac.js";

const TARGETS = ["roles", "clusterroles", "users", "groups", "serviceaccounts", "userextras/scopes", "uids"];

export const rbacEscalate: K8sRule = {
  id: "BW-K8S-039",
  title: "Role grants escalate, bind or impersonate",
  severity: "HIGH",
  remediation: "Remove the escalate, bind and impersonate verbs (and `*` verbs on roles, users, groups and service accounts).",
  references: { avd: "KSV050", cis: "CIS Kubernetes 5.1.8", kubescape: "C-0065" },
  check: (doc) =>
    eachPolicyRule(doc, (r) => {
      const explicit = ["escalate", "bind", "impersonate"].filter((v) => r.verbs.includes(v));
      const wildOnTargets = r.verbs.includes("*") && TARGETS.some((t) => grants(r.resources, t));
      if (explicit.length === 0 && !wildOnTargets) return undefined;
      return explicit.length > 0 ? `grants ${explicit.join(", ")}` : `grants "*" verbs (including escalate, bind, impersonate) on ${r.resources.join(", ")}`;
    }),
  examples: {
    good: [roleYaml("Role", ["- apiGroups: [rbac.authorization.k8s.io]", "  resources: [roles]", "  verbs: [get, list]"])],
    bad: [
      roleYaml("ClusterRole", ["- apiGroups: [\"\"]", "  resources: [users, groups]", "  verbs: [impersonate]"]),
      roleYaml("Role", ["- apiGroups: [rbac.authorization.k8s.io]", "  resources: [roles]", "  verbs: [bind, escalate]"]),
    ],
  },
};
