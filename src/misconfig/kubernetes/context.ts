// Facts that need every scanned resource (RBAC bindings, NetworkPolicies), gathered in O(n)
// so per-resource rules can look them up without comparing documents pairwise. The index holds
// small facts only, never resources' yaml nodes: those are freed document by document.
import type { Rule } from "../types.js";
import type { Resource } from "./resource.js";
import { asArray, asObj, isObj, label, str } from "./resource.js";
import { isWorkload } from "./workload.js";

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
}

/** What each rule checks: one resource, with the index over all of them. */
export interface K8sDoc {
  res: Resource;
  index: ClusterIndex;
}

export type K8sRule = Rule<K8sDoc>;

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

/** Policy types a NetworkPolicy covers: Ingress always when unset, Egress when it has egress rules. */
export function policyTypes(spec: Record<string, unknown>): Set<string> {
  const declared = asArray(spec.policyTypes).map(str).filter((t): t is string => !!t);
  if (declared.length > 0) return new Set(declared);
  const types = new Set(["Ingress"]);
  if (spec.egress !== undefined) types.add("Egress");
  return types;
}

export function emptyIndex(): ClusterIndex {
  return { bindings: new Map(), firstWorkload: new Map(), denyIngress: new Set(), denyEgress: new Set() };
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
    if (!isEmptySelector(spec.podSelector)) return;
    const types = policyTypes(spec);
    const ns = effectiveNamespace(res);
    if (types.has("Ingress") && asArray(spec.ingress).length === 0) index.denyIngress.add(ns);
    if (types.has("Egress") && asArray(spec.egress).length === 0) index.denyEgress.add(ns);
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
