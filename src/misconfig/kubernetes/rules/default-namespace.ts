// The default namespace usually has no tailored RBAC, quotas or network policies.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { label, line } from "../resource.js";
import { isWorkload } from "../workload.js";

const KINDS = new Set(["Service", "ConfigMap", "Secret", "Role", "RoleBinding", "ServiceAccount", "Ingress"]);

export const defaultNamespace: K8sRule = {
  id: "BW-K8S-029",
  title: "Resource in the default namespace",
  severity: "LOW",
  remediation: "Deploy the resource into a dedicated namespace.",
  references: { avd: "KSV110", cis: "CIS Kubernetes 5.7.4", kubescape: "C-0061" },
  check({ res }) {
    // Only an explicit `namespace: default`: a manifest without one is placed by the deploy tool.
    if (res.namespace !== "default" || !(isWorkload(res) || KINDS.has(res.kind))) return [];
    return [hit(res, line(res, ["metadata", "namespace"]), `${label(res)} is in the default namespace`)];
  },
  examples: {
    good: [podYaml({})],
    bad: [podYaml({}).replace("namespace: shop", "namespace: default")],
  },
};
