// The full RBAC engine as the exposure ranking's ReachFunction (k8s/reach.ts): aggregation,
// resourceNames, groups and escalation hops count, not only direct bindings.
import type { Reach as RankingReach, ReachFunction, Subject as RankingSubject } from "../reach.js";
import type { ClusterSnapshot } from "../snapshot.js";
import { EscalationGraph, reachOf } from "./escalation.js";
import { pathLines } from "./index.js";
import type { K8sObject } from "./objects.js";

const graphs = new WeakMap<ClusterSnapshot, EscalationGraph>();

function graphFor(snap: ClusterSnapshot): EscalationGraph {
  let g = graphs.get(snap);
  if (!g) {
    const objects: K8sObject[] = [];
    for (const list of Object.values(snap.objects)) for (const o of list) objects.push(o as K8sObject);
    graphs.set(snap, (g = new EscalationGraph(objects)));
  }
  return g;
}

const namespaceLists = new WeakMap<ClusterSnapshot, string[]>();

/** Every namespace the snapshot names (computed once per snapshot: the ranking asks per workload). */
function namespacesOf(snap: ClusterSnapshot): string[] {
  let list = namespaceLists.get(snap);
  if (!list) {
    list = [...new Set([...Object.values(snap.objects).flat().map((o) => o.metadata?.namespace ?? ""), ...snap.objects.namespaces.map((n) => n.metadata.name)])].filter(Boolean).sort();
    namespaceLists.set(snap, list);
  }
  return list;
}

/** ReachFunction for rankRisks: what the subject reaches directly and through escalation paths. */
export const rbacReach: ReachFunction = (subject: RankingSubject, snap: ClusterSnapshot): RankingReach => {
  const g = graphFor(snap);
  const s = subject.kind === "ServiceAccount" ? { kind: subject.kind, name: subject.name, namespace: subject.namespace ?? "default" } : { kind: subject.kind, name: subject.name };
  const r = reachOf(g, s);
  const perms = g.node(s).perms;
  const namespaces = namespacesOf(snap);
  const where = (verb: string, resource: string, subresource?: string): string[] => {
    if (perms.decide({ verb, apiGroup: "", resource, ...(subresource ? { subresource } : {}), namespace: "" }).allowed) return ["*"];
    return namespaces.filter((ns) => perms.decide({ verb, apiGroup: "", resource, ...(subresource ? { subresource } : {}), namespace: ns }).allowed);
  };
  return {
    clusterAdmin: r.clusterAdmin,
    secrets: r.secretNamespaces,
    createPods: where("create", "pods"),
    exec: where("create", "pods", "exec"),
    evidence: r.paths.map((p) => pathLines(p).join(" ").replace(/\s+/g, " ")),
  };
};
