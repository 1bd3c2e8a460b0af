// NetworkPolicy coverage per workload: a pod is isolated in a direction only when a policy of that
// type selects it, and a selecting policy with an allow-everything rule opens that direction again
// (policies add up). Reported only in namespaces whose NetworkPolicies are in the scanned files,
// and for a direction only when some policy of the namespace governs it: a namespace without
// policies (or without egress policies) is reported once by BW-K8S-044 instead of once per workload.
import type { K8sRule } from "../context.js";
import { deferred, effectiveNamespace } from "../context.js";
import type { Misconfiguration } from "../../../model/index.js";
import { selectingPolicies } from "../netpol.js";
import { asObj, kindLine, label, resourceRef, str } from "../resource.js";
import { podOf } from "../workload.js";

interface WorkloadFact {
  label: string;
  resource: NonNullable<Misconfiguration["resource"]>;
  namespace: string;
  labels: Record<string, string>;
  line: number | undefined;
}

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.0
`;
const policy = (name: string, spec: string[]): string =>
  ["---", "apiVersion: networking.k8s.io/v1", "kind: NetworkPolicy", "metadata:", `  name: ${name}`, "  namespace: shop", "spec:", ...spec.map((l) => `  ${l}`)].join("\n");

export const netpolCoverage: K8sRule = {
  id: "BW-K8S-048",
  title: "Workload not isolated by a NetworkPolicy",
  severity: "MEDIUM",
  remediation: "Select the workload's pod labels with a NetworkPolicy of each policyType (Ingress and Egress) and allow only the flows it needs; remove rules that allow everything.",
  references: { nsa: "Network separation and hardening", cis: "CIS Kubernetes 5.3.2", urls: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods"] },
  check: () => [],
  deferred: deferred<WorkloadFact>({
    collect({ res }) {
      const pod = podOf(res);
      if (!pod) return undefined;
      // The parsed labels object itself when it holds strings only (it keeps nothing else alive).
      const raw = asObj(pod.metadata.labels);
      let labels = raw as Record<string, string>;
      if (!Object.values(raw).every((v) => typeof v === "string")) {
        labels = {};
        for (const [k, v] of Object.entries(raw)) labels[k] = str(v) ?? "";
      }
      return { label: label(res), resource: resourceRef(res), namespace: effectiveNamespace(res), labels, line: kindLine(res) };
    },
    check(f, index) {
      const ns = index.policies.get(f.namespace);
      if (!ns) return [];
      const selecting = selectingPolicies(ns, f.labels);
      if (selecting.length === 0) return [{ message: `${f.label}: no NetworkPolicy selects it, so its ingress and egress are unrestricted`, line: f.line, resource: f.resource }];
      const gaps: string[] = [];
      for (const [dir, has, open] of [
        ["ingress", (p: (typeof selecting)[number]) => p.ingress, (p: (typeof selecting)[number]) => p.ingressOpen],
        ["egress", (p: (typeof selecting)[number]) => p.egress, (p: (typeof selecting)[number]) => p.egressOpen],
      ] as const) {
        if (!(dir === "ingress" ? ns.ingress : ns.egress)) continue;
        const governing = selecting.filter(has);
        if (governing.length === 0) {
          gaps.push(`${dir} not restricted (no selecting NetworkPolicy has policyType ${dir === "ingress" ? "Ingress" : "Egress"})`);
          continue;
        }
        const opener = governing.filter(open).map((p) => p.label).sort();
        if (opener.length > 0) gaps.push(`${dir} unrestricted by ${opener.join(", ")} (a rule allows all ${dir === "ingress" ? "sources" : "destinations"})`);
      }
      return gaps.length === 0 ? [] : [{ message: `${f.label}: ${gaps.join("; ")}`, line: f.line, resource: f.resource }];
    },
  }),
  examples: {
    good: [
      WEB + policy("web", ["podSelector:", "  matchLabels: {app: web}", "policyTypes: [Ingress, Egress]", "ingress:", "  - from:", "      - podSelector: {matchLabels: {app: lb}}"]),
      WEB + policy("front", ["podSelector:", "  matchExpressions:", "    - {key: tier, operator: In, values: [front, edge]}", "ingress:", "  - from:", "      - namespaceSelector: {matchLabels: {team: edge}}"]),
    ],
    bad: [
      WEB + policy("db", ["podSelector:", "  matchLabels: {app: db}", "policyTypes: [Ingress]"]),
      WEB + policy("web", ["podSelector:", "  matchLabels: {app: web}", "ingress:", "  - {}"]),
      WEB + policy("web", ["podSelector:", "  matchLabels: {app: web}", "policyTypes: [Ingress]", "ingress:", "  - from:", "      - podSelector: {}"]) + "\n" + policy("egress-db", ["podSelector:", "  matchLabels: {app: db}", "policyTypes: [Egress]"]),
    ],
  },
};
