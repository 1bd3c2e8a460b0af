// "*" grants today's and tomorrow's resources and verbs alike; least privilege needs explicit lists.
import type { K8sRule } from "../context.js";
import { eachPolicyRule, roleYaml } from "../rbac.js";

export const rbacWildcard: K8sRule = {
  id: "BW-K8S-035",
  title: "Role uses wildcards",
  severity: "HIGH",
  remediation: "Replace `*` in apiGroups, resources and verbs with the explicit items the subject needs.",
  references: { avd: "KSV044", cis: "CIS Kubernetes 5.1.3", kubescape: "C-0187" },
  check: (doc) =>
    eachPolicyRule(doc, (r) => {
      const wild = [r.apiGroups.includes("*") && "apiGroups", r.resources.includes("*") && "resources", r.verbs.includes("*") && "verbs"].filter((x): x is string => !!x);
      if (wild.length === 0) return undefined;
      const severity = wild.length === 3 ? "CRITICAL" : r.verbs.includes("*") || r.resources.includes("*") ? "HIGH" : "MEDIUM";
      return { message: `uses "*" in ${wild.join(", ")}`, severity };
    }),
  examples: {
    good: [roleYaml("Role", ["- apiGroups: [\"\"]", "  resources: [configmaps]", "  verbs: [get, list]"])],
    bad: [roleYaml("ClusterRole", ["- apiGroups: [\"*\"]", "  resources: [\"*\"]", "  verbs: [\"*\"]"]), roleYaml("Role", ["- apiGroups: [apps]", "  resources: [deployments]", "  verbs: [\"*\"]"])],
  },
};
