// Reading secrets usually yields service-account tokens of more privileged workloads.
import type { K8sRule } from "../context.js";
import { coversCore, eachPolicyRule, grants, roleYaml } from "../rbac.js";

export const rbacSecrets: K8sRule = {
  id: "BW-K8S-036",
  title: "Role can read secrets",
  severity: "HIGH",
  remediation: "Remove get/list/watch on secrets, or restrict it with `resourceNames` to the specific secrets needed.",
  references: { avd: "KSV041", cis: "CIS Kubernetes 5.1.2", kubescape: "C-0015" },
  check: (doc) =>
    eachPolicyRule(doc, (r) => {
      if (!coversCore(r) || !grants(r.resources, "secrets")) return undefined;
      const verbs = ["get", "list", "watch"].filter((v) => grants(r.verbs, v));
      if (verbs.length === 0) return undefined;
      // Cluster-wide secret access is worse than access inside one namespace.
      return { message: `can ${verbs.join("/")} secrets`, severity: doc.res.kind === "ClusterRole" ? "HIGH" : "MEDIUM" };
    }),
  examples: {
    good: [roleYaml("Role", ["- apiGroups: [\"\"]", "  resources: [configmaps]", "  verbs: [get, list]"])],
    bad: [roleYaml("ClusterRole", ["- apiGroups: [\"\"]", "  resources: [secrets]", "  verbs: [list]"])],
  },
};
