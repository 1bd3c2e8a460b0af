// Facts that need every scanned resource (RBAC bindings, NetworkPolicies), built once in O(n)
// so per-resource rules can look them up without comparing documents pairwise.
import type { Rule } from "../types.js";
import type { Resource } from "./resource.js";
import { asArray, asObj, isObj, str } from "./resource.js";
import { isWorkload } from "./workload.js";

export interface ClusterIndex {
  /** RoleBindings/ClusterRoleBindings whose roleRef names the key from `roleKey`. */
  bindings: Map<string, Resource[]>;
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

export function buildIndex(resources: Resource[]): ClusterIndex {
  const index: ClusterIndex = { bindings: new Map(), firstWorkload: new Map(), denyIngress: new Set(), denyEgress: new Set() };
  for (const res of resources) {
    if (res.kind === "RoleBinding" || res.kind === "ClusterRoleBinding") {
      const key = bindingTarget(res);
      if (key) {
        const list = index.bindings.get(key) ?? [];
        list.push(res);
        index.bindings.set(key, list);
      }
    } else if (res.kind === "NetworkPolicy") {
      const spec = asObj(res.obj.spec);
      if (!isEmptySelector(spec.podSelector)) continue;
      const types = policyTypes(spec);
      const ns = effectiveNamespace(res);
      if (types.has("Ingress") && asArray(spec.ingress).length === 0) index.denyIngress.add(ns);
      if (types.has("Egress") && asArray(spec.egress).length === 0) index.denyEgress.add(ns);
    } else if (isWorkload(res)) {
      const ns = effectiveNamespace(res);
      if (!index.firstWorkload.has(ns)) index.firstWorkload.set(ns, res);
    }
  }
  return index;
}
