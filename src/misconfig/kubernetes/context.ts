// Facts that need every scanned resource (RBAC bindings, NetworkPolicies, ServiceAccounts),
// gathered in O(n) so per-resource rules can look them up without comparing documents pairwise.
// The index holds small facts only, never resources' yaml nodes: those are freed document by
// document.
import type { Rule, RuleHit } from "../types.js";
import type { NamespacePolicies } from "./netpol.js";
import { addPolicy, emptyNamespacePolicies, mergeNamespacePolicies, policyFact, policyTypes } from "./netpol.js";
import type { PssVersion } from "./pss.js";
import type { Resource } from "./resource.js";
import { asArray, asObj, isObj, label, str } from "./resource.js";
import { isWorkload } from "./workload.js";

export { policyTypes } from "./netpol.js";

/** What a role's findings say about a binding that grants it. */
export interface BindingFact {
  /** "RoleBinding shop/dev". */
  label: string;
  subjects: unknown[];
}

export interface ClusterIndex {
  /** RoleBindings/ClusterRoleBindings whose roleRef names the key from `roleKey`. */
  bindings: Map<string, BindingFact[]>;
  /** The first workload seen in each namespace ("default" when none is written). */
  firstWorkload: Map<string, Resource>;
  denyIngress: Set<string>;
  denyEgress: Set<string>;
  /** ServiceAccount "namespace/name" → its automountServiceAccountToken (undefined: not set). */
  serviceAccounts: Map<string, boolean | undefined>;
  /** NetworkPolicies by namespace. */
  policies: Map<string, NamespacePolicies>;
}

/** What each rule checks: one resource, with the index over all of them and the PSS version in force. */
export interface K8sDoc {
  res: Resource;
  index: ClusterIndex;
  pss: PssVersion;
}

/**
 * A check that needs facts from every file (another document may come later) yet runs on
 * resources too numerous to keep whole until the end (workloads): `collect` takes the few facts
 * it needs while the document is parsed, `check` decides once every file was indexed.
 */
export interface DeferredCheck<F> {
  collect(doc: K8sDoc): F | undefined;
  check(fact: F, index: ClusterIndex): RuleHit[];
}

export type K8sRule = Rule<K8sDoc> & {
  /** Set for rules that decide from the whole scan; their `check` then returns nothing. */
  deferred?: DeferredCheck<unknown>;
};

/** Types a deferred check's facts for its two halves and erases them for the rule list. */
export function deferred<F>(d: DeferredCheck<F>): DeferredCheck<unknown> {
  return d as DeferredCheck<unknown>;
}

export function serviceAccountKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function effectiveNamespace(res: Resource): string {
  return res.namespace ?? "default";
}

export function roleKey(res: Resource): string | undefined {
  if (res.kind === "ClusterRole") return `ClusterRole/${res.name}`;
  if (res.kind === "Role") return `Role/${effectiveNamespace(res)}/${res.name}`;
  return undefined;
}

function bindingTarget(res: Resource): string | undefined {
  const ref = asObj(res.obj.roleRef);
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (!name) return undefined;
  if (kind === "ClusterRole") return `ClusterRole/${name}`;
  if (kind === "Role" && res.kind === "RoleBinding") return `Role/${effectiveNamespace(res)}/${name}`;
  return undefined;
}

function isEmptySelector(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (!isObj(v)) return false;
  return Object.keys(asObj(v.matchLabels)).length === 0 && asArray(v.matchExpressions).length === 0;
}

export function emptyIndex(): ClusterIndex {
  return { bindings: new Map(), firstWorkload: new Map(), denyIngress: new Set(), denyEgress: new Set(), serviceAccounts: new Map(), policies: new Map() };
}

/**
 * Adds what `res` tells about the cluster. `earlier` is the index of the files before this one
 * (a file's facts count only once it parsed completely): a namespace's first workload is
 * recorded only when neither index has one yet.
 */
export function indexResource(index: ClusterIndex, res: Resource, earlier?: ClusterIndex): void {
  if (res.kind === "RoleBinding" || res.kind === "ClusterRoleBinding") {
    const key = bindingTarget(res);
    if (key) {
      const list = index.bindings.get(key) ?? [];
      list.push({ label: label(res), subjects: asArray(res.obj.subjects) });
      index.bindings.set(key, list);
    }
  } else if (res.kind === "NetworkPolicy") {
    const spec = asObj(res.obj.spec);
    const ns = effectiveNamespace(res);
    let policies = index.policies.get(ns);
    if (!policies) index.policies.set(ns, (policies = emptyNamespacePolicies()));
    addPolicy(policies, policyFact(res));
    if (!isEmptySelector(spec.podSelector)) return;
    const types = policyTypes(spec);
    if (types.has("Ingress") && asArray(spec.ingress).length === 0) index.denyIngress.add(ns);
    if (types.has("Egress") && asArray(spec.egress).length === 0) index.denyEgress.add(ns);
  } else if (res.kind === "ServiceAccount") {
    const v = res.obj.automountServiceAccountToken;
    index.serviceAccounts.set(serviceAccountKey(effectiveNamespace(res), res.name), typeof v === "boolean" ? v : undefined);
  } else if (isWorkload(res)) {
    const ns = effectiveNamespace(res);
    if (!index.firstWorkload.has(ns) && !earlier?.firstWorkload.has(ns)) index.firstWorkload.set(ns, res);
  }
}

/** Appends the facts of a later file (indexed with `earlier` = `into`). */
export function mergeIndex(into: ClusterIndex, later: ClusterIndex): void {
  for (const [key, list] of later.bindings) {
    const have = into.bindings.get(key);
    if (have) for (const b of list) have.push(b);
    else into.bindings.set(key, list);
  }
  for (const [ns, res] of later.firstWorkload) if (!into.firstWorkload.has(ns)) into.firstWorkload.set(ns, res);
  for (const ns of later.denyIngress) into.denyIngress.add(ns);
  for (const ns of later.denyEgress) into.denyEgress.add(ns);
  for (const [key, v] of later.serviceAccounts) into.serviceAccounts.set(key, v);
  for (const [ns, p] of later.policies) {
    const have = into.policies.get(ns);
    if (have) mergeNamespacePolicies(have, p);
    else into.policies.set(ns, p);
  }
}

/**
 * The resources whose checks read the index: roles (who is bound to them, `bindingNote`) and each
 * namespace's first workload (NetworkPolicy coverage). They are checked after every file was
 * indexed; all others as soon as their document is parsed, so a rule that reads the index for
 * any other resource must be added here.
 */
export function readsIndex(res: Resource, index: ClusterIndex): boolean {
  return res.kind === "Role" || res.kind === "ClusterRole" || index.firstWorkload.get(effectiveNamespace(res)) === res;
}
