// Whoever can create pods can run them privileged or with any service account in the namespace.
import type { K8sRule } from "../context.js";
import { eachPolicyRule, grants, roleYaml } from "../rbac.js";

const WORKLOADS: [string, string][] = [
  ["", "pods"],
  ["", "replicationcontrollers"],
  ["apps", "deployments"],
  ["apps", "statefulsets"],
  ["apps", "daemonsets"],
  ["apps", "replicasets"],
  ["batch", "jobs"],
  ["batch", "cronjobs"],
];

export const rbacCreateWorkloads: K8sRule = {
  id: "BW-K8S-038",
  title: "Role can create workloads",
  severity: "MEDIUM",
  remediation: "Limit `create` on pods and workload controllers to deployment automation, and enforce Pod Security admission.",
  references: { avd: "KSV048", cis: "CIS Kubernetes 5.1.4", kubescape: "C-0188" },
  check: (doc) =>
    eachPolicyRule(doc, (r) => {
      if (!grants(r.verbs, "create")) return undefined;
      const hits = WORKLOADS.filter(([g, res]) => (r.apiGroups.length === 0 ? g === "" : grants(r.apiGroups, g)) && grants(r.resources, res)).map(([, res]) => res);
      return hits.length > 0 ? `can create ${hits.join(", ")}` : undefined;
    }),
  examples: {
    good: [roleYaml("Role", ["- apiGroups: [apps]", "  resources: [deployments]", "  verbs: [get, list, watch]"])],
    bad: [roleYaml("Role", ["- apiGroups: [apps]", "  resources: [deployments]", "  verbs: [create, update]"])],
  },
};
