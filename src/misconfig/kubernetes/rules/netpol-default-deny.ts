// Without a default-deny policy every pod accepts traffic from, and reaches, anything in the cluster.
import type { K8sRule } from "../context.js";
import { effectiveNamespace } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { kindLine } from "../resource.js";

const DENY_ALL = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]";

export const netpolDefaultDeny: K8sRule = {
  id: "BW-K8S-044",
  title: "Namespace has no default-deny NetworkPolicy",
  severity: "MEDIUM",
  remediation: "Add a NetworkPolicy with `podSelector: {}` and policyTypes Ingress and Egress (no rules), then allow the needed flows explicitly.",
  references: { cis: "CIS Kubernetes 5.3.2", kubescape: "C-0260", nsa: "Network separation and hardening" },
  check({ res, index }) {
    const ns = effectiveNamespace(res);
    // One finding per namespace, reported on its first workload.
    if (index.firstWorkload.get(ns) !== res) return [];
    const missing = [!index.denyIngress.has(ns) && "ingress", !index.denyEgress.has(ns) && "egress"].filter((x): x is string => !!x);
    if (missing.length === 0) return [];
    return [hit(res, kindLine(res), `namespace ${ns} runs workloads but has no default-deny ${missing.join(" or ")} NetworkPolicy`)];
  },
  examples: {
    good: [podYaml({}) + "\n" + DENY_ALL],
    bad: [podYaml({}), podYaml({}) + "\n" + DENY_ALL.replace("[Ingress, Egress]", "[Ingress]")],
  },
};
