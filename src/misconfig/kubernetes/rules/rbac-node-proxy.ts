// nodes/proxy reaches the kubelet API directly, which allows exec into any pod on the node.
import type { K8sRule } from "../context.js";
import { coversCore, eachPolicyRule, grants, grantsResource, roleYaml } from "../rbac.js";

export const rbacNodeProxy: K8sRule = {
  id: "BW-K8S-040",
  title: "Role grants nodes/proxy",
  severity: "HIGH",
  remediation: "Remove access to nodes/proxy; use metrics endpoints or the API server's pod subresources instead.",
  references: { avd: "KSV047", cis: "CIS Kubernetes 5.1.10" },
  check: (doc) =>
    eachPolicyRule(doc, (r) => {
      if (!coversCore(r) || !grantsResource(r, "nodes/proxy")) return undefined;
      const verbs = ["get", "create"].filter((v) => grants(r.verbs, v));
      return verbs.length > 0 ? `can ${verbs.join("/")} nodes/proxy` : undefined;
    }),
  examples: {
    good: [roleYaml("ClusterRole", ["- apiGroups: [\"\"]", "  resources: [nodes]", "  verbs: [get, list]"])],
    bad: [roleYaml("ClusterRole", ["- apiGroups: [\"\"]", "  resources: [nodes/proxy]", "  verbs: [get]"])],
  },
};
