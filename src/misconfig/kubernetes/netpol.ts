// NetworkPolicy semantics for the coverage rules: which pods a policy selects, which directions
// it isolates, and whether a rule of it lets everything through. Policies are indexed per
// namespace and, within it, by one of their matchLabels pairs, so finding the policies that select
// a workload looks at a handful of candidates instead of every policy of the scan.
import type { Obj, Resource } from "./resource.js";
import { asArray, asObj, isObj, label, str, strings } from "./resource.js";

/** Policy types a NetworkPolicy covers, defaulted as the API server does when unset: Ingress, plus Egress when it has egress rules. */
export function policyTypes(spec: Obj): Set<string> {
  const declared = asArray(spec.policyTypes).map(str).filter((t): t is string => !!t);
  if (declared.length > 0) return new Set(declared);
  const types = new Set(["Ingress"]);
  if (asArray(spec.egress).length > 0) types.add("Egress");
  return types;
}

interface Requirement {
  key: string;
  op: string;
  values: string[];
}

export interface Selector {
  /** Every pod (an empty selector). */
  all: boolean;
  labels: [string, string][];
  requirements: Requirement[];
  /** Operators we do not know: such a selector selects nothing we can prove. */
  unknown: boolean;
}

export function parseSelector(v: unknown): Selector {
  const o = asObj(v);
  const labels: [string, string][] = Object.entries(asObj(o.matchLabels)).map(([k, val]) => [k, str(val) ?? ""]);
  const requirements: Requirement[] = [];
  let unknown = v !== undefined && v !== null && !isObj(v);
  for (const e of asArray(o.matchExpressions)) {
    const r = asObj(e);
    const op = str(r.operator) ?? "";
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(op)) unknown = true;
    requirements.push({ key: str(r.key) ?? "", op, values: strings(r.values) });
  }
  return { all: labels.length === 0 && requirements.length === 0 && !unknown, labels, requirements, unknown };
}

/** Label selector semantics: every matchLabels pair and every requirement must hold. */
export function selects(sel: Selector, podLabels: Record<string, string>): boolean {
  if (sel.unknown) return false;
  for (const [k, v] of sel.labels) if (podLabels[k] !== v) return false;
  for (const r of sel.requirements) {
    const has = Object.hasOwn(podLabels, r.key);
    const value = podLabels[r.key];
    if (r.op === "In" && !(has && r.values.includes(value!))) return false;
    if (r.op === "NotIn" && has && r.values.includes(value!)) return false;
    if (r.op === "Exists" && !has) return false;
    if (r.op === "DoesNotExist" && has) return false;
  }
  return true;
}

function emptyObj(v: unknown): boolean {
  return isObj(v) && Object.keys(v).length === 0;
}

/** A rule without peers (or with an empty peer) and without ports admits every source or destination. */
export function ruleAllowsAll(rule: unknown, peersKey: "from" | "to"): boolean {
  const r = asObj(rule);
  const peers = asArray(r[peersKey]);
  return (peers.length === 0 || peers.some(emptyObj)) && asArray(r.ports).length === 0;
}

export interface PolicyFact {
  /** "NetworkPolicy shop/web". */
  label: string;
  selector: Selector;
  ingress: boolean;
  egress: boolean;
  /** The policy isolates this direction but one of its rules lets everything in (out). */
  ingressOpen: boolean;
  egressOpen: boolean;
}

export function policyFact(res: Resource): PolicyFact {
  const spec = asObj(res.obj.spec);
  const types = policyTypes(spec);
  const ingress = types.has("Ingress");
  const egress = types.has("Egress");
  return {
    label: label(res),
    selector: parseSelector(spec.podSelector),
    ingress,
    egress,
    ingressOpen: ingress && asArray(spec.ingress).some((r) => ruleAllowsAll(r, "from")),
    egressOpen: egress && asArray(spec.egress).some((r) => ruleAllowsAll(r, "to")),
  };
}

/** The policies of one namespace. */
export interface NamespacePolicies {
  /** Policies with an empty podSelector. */
  everyPod: PolicyFact[];
  /** Policies with matchLabels, under their first pair ("key=value"). */
  byLabel: Map<string, PolicyFact[]>;
  /** Policies with only matchExpressions (or an unknown selector). */
  other: PolicyFact[];
  ingress: boolean;
  egress: boolean;
}

export function emptyNamespacePolicies(): NamespacePolicies {
  return { everyPod: [], byLabel: new Map(), other: [], ingress: false, egress: false };
}

export function addPolicy(into: NamespacePolicies, p: PolicyFact): void {
  if (p.selector.all) into.everyPod.push(p);
  else if (p.selector.labels.length > 0) {
    const [k, v] = p.selector.labels[0]!;
    const key = `${k}=${v}`;
    const list = into.byLabel.get(key);
    if (list) list.push(p);
    else into.byLabel.set(key, [p]);
  } else into.other.push(p);
  into.ingress ||= p.ingress;
  into.egress ||= p.egress;
}

export function mergeNamespacePolicies(into: NamespacePolicies, later: NamespacePolicies): void {
  for (const p of later.everyPod) into.everyPod.push(p);
  for (const [k, list] of later.byLabel) {
    const have = into.byLabel.get(k);
    if (have) for (const p of list) have.push(p);
    else into.byLabel.set(k, list);
  }
  for (const p of later.other) into.other.push(p);
  into.ingress ||= later.ingress;
  into.egress ||= later.egress;
}

/** The policies of the namespace that select a pod with these labels, in no particular order. */
export function selectingPolicies(ns: NamespacePolicies, podLabels: Record<string, string>): PolicyFact[] {
  const out = [...ns.everyPod];
  for (const p of ns.other) if (selects(p.selector, podLabels)) out.push(p);
  for (const [k, v] of Object.entries(podLabels)) {
    for (const p of ns.byLabel.get(`${k}=${v}`) ?? []) if (selects(p.selector, podLabels)) out.push(p);
  }
  return out;
}
