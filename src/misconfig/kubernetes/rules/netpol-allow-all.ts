// An empty peer or rule matches every source/destination, silently undoing other policies.
import type { K8sRule } from "../context.js";
import { policyTypes } from "../context.js";
import { hit } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, asObj, isObj, label, line } from "../resource.js";

function emptyObj(v: unknown): boolean {
  return isObj(v) && Object.keys(v).length === 0;
}

export const netpolAllowAll: K8sRule = {
  id: "BW-K8S-045",
  title: "NetworkPolicy allows all traffic",
  severity: "MEDIUM",
  remediation: "Replace empty rules (`- {}`) and empty peers with explicit podSelector/namespaceSelector/ipBlock peers and ports.",
  references: { nsa: "Network separation and hardening", urls: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies"] },
  check({ res }) {
    if (res.kind !== "NetworkPolicy") return [];
    const spec = asObj(res.obj.spec);
    const types = policyTypes(spec);
    const out: RuleHit[] = [];
    for (const [dir, peersKey, type] of [["ingress", "from", "Ingress"], ["egress", "to", "Egress"]] as const) {
      if (!types.has(type)) continue;
      asArray(spec[dir]).forEach((rule, i) => {
        const r = asObj(rule);
        const peers = asArray(r[peersKey]);
        const ports = asArray(r.ports);
        // A rule without peers matches everyone; with no ports either it is a full allow.
        const allPeers = peers.length === 0 || peers.some(emptyObj);
        if (allPeers && ports.length === 0) {
          const where = peers.some(emptyObj) ? line(res, ["spec", dir, i, peersKey]) : line(res, ["spec", dir, i]);
          out.push(hit(res, where, `${label(res)} allows all ${dir} traffic (rule ${i + 1})`));
        }
      });
    }
    return out;
  },
  examples: {
    good: ["apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {app: frontend}"],
    bad: [
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all\nspec:\n  podSelector: {}\n  ingress:\n    - {}",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: egress-all\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - {}",
    ],
  },
};
