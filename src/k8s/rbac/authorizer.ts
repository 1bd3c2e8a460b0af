// An offline RBAC authorizer with the rules of Kubernetes' own (plugin/pkg/auth/authorizer/rbac):
// ClusterRoleBindings apply everywhere, RoleBindings in their namespace, a request outside any
// namespace (cluster-scoped resources, non-resource URLs) sees only ClusterRoleBindings, and the
// group system:masters is allowed everything. Aggregated ClusterRoles get the rules of every
// ClusterRole their aggregationRule selects (what the aggregation controller writes into them).
import type { K8sObject, PolicyRule, Subject } from "./objects.js";

/** Who asks: a user name and its groups, as the API server sees them after authentication. */
export interface UserInfo {
  user: string;
  groups: string[];
}

/** What is asked: a resource request (namespace "" for cluster scope) or a non-resource URL. */
export type Attributes =
  | { verb: string; apiGroup: string; resource: string; subresource?: string; name?: string; namespace: string; path?: undefined }
  | { verb: string; path: string; apiGroup?: undefined; resource?: undefined; subresource?: undefined; name?: undefined; namespace?: undefined };

/** A rule that applies, with where it came from. */
export interface GrantedRule {
  rule: PolicyRule;
  /** "ClusterRole NAME" or "Role NS/NAME" */
  role: string;
  /** "ClusterRoleBinding NAME" or "RoleBinding NS/NAME" */
  binding: string;
  /** The namespace the rule applies in, "" for everywhere. */
  namespace: string;
}

export interface Decision {
  allowed: boolean;
  /** The first rule that allowed it (absent for system:masters). */
  reason?: GrantedRule;
  superuser?: boolean;
}

interface Binding {
  kind: "RoleBinding" | "ClusterRoleBinding";
  name: string;
  namespace: string;
  subjects: Subject[];
  roleRef: { kind: string; name: string };
}

interface Role {
  kind: "Role" | "ClusterRole";
  name: string;
  namespace: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  aggregation?: LabelSelector[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const strs = (v: unknown): string[] => arr<unknown>(v).filter((x): x is string => typeof x === "string");
const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export const SUPERUSER_GROUP = "system:masters";

function toRule(v: unknown): PolicyRule {
  const r = rec(v);
  return { verbs: strs(r.verbs), apiGroups: strs(r.apiGroups), resources: strs(r.resources), resourceNames: strs(r.resourceNames), nonResourceURLs: strs(r.nonResourceURLs) };
}

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  const ml = rec(sel.matchLabels);
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of arr<Record<string, unknown>>(sel.matchExpressions)) {
    const key = String(e.key ?? "");
    const values = strs(e.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** An empty selector selects nothing in aggregation (the controller skips it). */
const emptySelector = (s: LabelSelector): boolean => Object.keys(rec(s.matchLabels)).length === 0 && arr(s.matchExpressions).length === 0;

export const verbMatches = (r: PolicyRule, verb: string): boolean => (r.verbs ?? []).some((v) => v === "*" || v === verb);
const groupMatches = (r: PolicyRule, g: string): boolean => (r.apiGroups ?? []).some((x) => x === "*" || x === g);
function resourceMatches(r: PolicyRule, resource: string, sub: string | undefined): boolean {
  const combined = sub ? `${resource}/${sub}` : resource;
  for (const x of r.resources ?? []) {
    if (x === "*" || x === combined) return true;
    if (sub && x === `*/${sub}`) return true;
  }
  return false;
}
const nameMatches = (r: PolicyRule, name: string | undefined): boolean => (r.resourceNames ?? []).length === 0 || (!!name && r.resourceNames!.includes(name));
function urlMatches(r: PolicyRule, path: string): boolean {
  for (const u of r.nonResourceURLs ?? []) {
    if (u === "*" || u === path) return true;
    if (u.endsWith("*") && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(r: PolicyRule, a: Attributes): boolean {
  if (a.path !== undefined) return verbMatches(r, a.verb) && urlMatches(r, a.path);
  return verbMatches(r, a.verb) && groupMatches(r, a.apiGroup) && resourceMatches(r, a.resource, a.subresource) && nameMatches(r, a.name);
}

const SA_PREFIX = "system:serviceaccount:";

/** `system:serviceaccount:NS:NAME` → [NS, NAME]. */
export function parseServiceAccountUser(user: string): [string, string] | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const rest = user.slice(SA_PREFIX.length);
  const i = rest.indexOf(":");
  if (i <= 0 || i === rest.length - 1 || rest.indexOf(":", i + 1) >= 0) return undefined;
  return [rest.slice(0, i), rest.slice(i + 1)];
}

/** Does the binding subject name this user (binding namespace defaults a ServiceAccount's)? */
export function subjectApplies(s: Subject, u: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case "User":
      return u.user === s.name;
    case "Group":
      return u.groups.includes(s.name);
    case "ServiceAccount": {
      const ns = s.namespace || bindingNamespace;
      return !!ns && u.user === `${SA_PREFIX}${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

/** The groups the API server adds for a user: system:authenticated; service accounts get theirs too. */
export function defaultGroups(user: string, groups: string[] = []): string[] {
  const out = new Set(groups);
  if (user === "system:anonymous") out.add("system:unauthenticated");
  else out.add("system:authenticated");
  const sa = parseServiceAccountUser(user);
  if (sa) {
    out.add("system:serviceaccounts");
    out.add(`system:serviceaccounts:${sa[0]}`);
  }
  return [...out];
}

/** Rules that apply to one user, split by where they apply; computed once per user. */
export class Permissions {
  constructor(
    readonly user: UserInfo,
    readonly superuser: boolean,
    readonly cluster: GrantedRule[],
    readonly byNamespace: Map<string, GrantedRule[]>,
  ) {}

  /** Rules that apply in a namespace ("" = cluster scope only). */
  rulesIn(namespace: string): GrantedRule[] {
    return namespace ? [...this.cluster, ...(this.byNamespace.get(namespace) ?? [])] : this.cluster;
  }

  decide(a: Attributes): Decision {
    if (this.superuser) return { allowed: true, superuser: true };
    const ns = a.path !== undefined ? "" : a.namespace;
    for (const g of this.cluster) if (ruleAllows(g.rule, a)) return { allowed: true, reason: g };
    if (ns) for (const g of this.byNamespace.get(ns) ?? []) if (ruleAllows(g.rule, a)) return { allowed: true, reason: g };
    return { allowed: false };
  }

  allows(a: Attributes): boolean {
    return this.decide(a).allowed;
  }
}

export class Authorizer {
  private readonly roles = new Map<string, Role>();
  private readonly bindings: Binding[] = [];
  private readonly aggregated = new Map<string, PolicyRule[]>();

  constructor(objects: Iterable<K8sObject>) {
    for (const o of objects) {
      const md = o.metadata ?? {};
      const name = typeof md.name === "string" ? md.name : "";
      const namespace = typeof md.namespace === "string" ? md.namespace : "";
      if (!name) continue;
      if (o.kind === "ClusterRole" || o.kind === "Role") {
        const role: Role = { kind: o.kind, name, namespace: o.kind === "Role" ? namespace : "", labels: Object.fromEntries(Object.entries(rec(md.labels)).filter(([, v]) => typeof v === "string")) as Record<string, string>, rules: arr(o.rules).map(toRule) };
        const agg = rec(o.aggregationRule);
        if (o.kind === "ClusterRole" && Array.isArray(agg.clusterRoleSelectors)) role.aggregation = arr<LabelSelector>(agg.clusterRoleSelectors).map(rec);
        this.roles.set(roleKey(role.kind, role.namespace, name), role);
      } else if (o.kind === "ClusterRoleBinding" || o.kind === "RoleBinding") {
        const ref = rec(o.roleRef);
        const subjects = arr<unknown>(o.subjects).map(rec).filter((s) => typeof s.kind === "string" && typeof s.name === "string") as unknown as Subject[];
        this.bindings.push({ kind: o.kind, name, namespace: o.kind === "RoleBinding" ? namespace : "", subjects, roleRef: { kind: String(ref.kind ?? ""), name: String(ref.name ?? "") } });
      }
    }
  }

  /** Every binding subject (deduplicated), with the bindings naming it. */
  subjects(): { subject: Subject; bindings: string[] }[] {
    const out = new Map<string, { subject: Subject; bindings: string[] }>();
    for (const b of this.bindings) {
      for (const s of b.subjects) {
        const ns = s.kind === "ServiceAccount" ? s.namespace || b.namespace : undefined;
        const subject: Subject = ns ? { kind: s.kind, name: s.name, namespace: ns } : { kind: s.kind, name: s.name };
        const key = `${s.kind}\u0000${ns ?? ""}\u0000${s.name}`;
        const e = out.get(key) ?? { subject, bindings: [] };
        e.bindings.push(bindingText(b));
        out.set(key, e);
      }
    }
    return [...out.values()];
  }

  /**
   * A ClusterRole's rules. An aggregated one has the rules of every ClusterRole its selectors pick
   * (its own stored rules are what the controller last wrote there, so they are replaced, as the
   * controller does); selected roles that are aggregated themselves contribute their aggregated
   * rules, which is where the controller's repeated passes end up.
   */
  clusterRoleRules(name: string, visiting: Set<string> = new Set()): PolicyRule[] {
    const role = this.roles.get(roleKey("ClusterRole", "", name));
    if (!role) return [];
    if (!role.aggregation) return role.rules;
    const cached = this.aggregated.get(name);
    if (cached) return cached;
    if (visiting.has(name)) return [];
    visiting.add(name);
    const rules: PolicyRule[] = [];
    const seen = new Set<string>();
    const selectors = role.aggregation.filter((s) => !emptySelector(s));
    const selected = [...this.roles.values()].filter((o) => o.kind === "ClusterRole" && o.name !== name && selectors.some((s) => selectorMatches(s, o.labels)));
    selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const other of selected) {
      for (const r of this.clusterRoleRules(other.name, visiting)) {
        const k = JSON.stringify(r);
        if (!seen.has(k)) {
          seen.add(k);
          rules.push(r);
        }
      }
    }
    visiting.delete(name);
    this.aggregated.set(name, rules);
    return rules;
  }

  private roleRules(b: Binding): { role: string; rules: PolicyRule[] } {
    if (b.roleRef.kind === "ClusterRole") return { role: `ClusterRole ${b.roleRef.name}`, rules: this.clusterRoleRules(b.roleRef.name) };
    if (b.roleRef.kind === "Role" && b.kind === "RoleBinding") {
      const r = this.roles.get(roleKey("Role", b.namespace, b.roleRef.name));
      return { role: `Role ${b.namespace}/${b.roleRef.name}`, rules: r?.rules ?? [] };
    }
    return { role: `${b.roleRef.kind} ${b.roleRef.name}`, rules: [] };
  }

  permissions(u: UserInfo): Permissions {
    const cluster: GrantedRule[] = [];
    const byNamespace = new Map<string, GrantedRule[]>();
    for (const b of this.bindings) {
      if (!b.subjects.some((s) => subjectApplies(s, u, b.namespace))) continue;
      const { role, rules } = this.roleRules(b);
      const binding = bindingText(b);
      const granted = rules.map((rule) => ({ rule, role, binding, namespace: b.namespace }));
      if (b.kind === "ClusterRoleBinding") cluster.push(...granted);
      else {
        const list = byNamespace.get(b.namespace) ?? [];
        list.push(...granted);
        byNamespace.set(b.namespace, list);
      }
    }
    return new Permissions(u, u.groups.includes(SUPERUSER_GROUP), cluster, byNamespace);
  }

  authorize(u: UserInfo, a: Attributes): Decision {
    return this.permissions(u).decide(a);
  }

  /** Bindings (for who-can): every binding with its subjects and the rules of its role. */
  grants(): { binding: string; kind: Binding["kind"]; namespace: string; subjects: Subject[]; role: string; rules: PolicyRule[] }[] {
    return this.bindings.map((b) => ({ binding: bindingText(b), kind: b.kind, namespace: b.namespace, subjects: b.subjects, ...this.roleRules(b) }));
  }
}

const roleKey = (kind: string, ns: string, name: string): string => `${kind}\u0000${ns}\u0000${name}`;
const bindingText = (b: Binding): string => (b.kind === "ClusterRoleBinding" ? `ClusterRoleBinding ${b.name}` : `RoleBinding ${b.namespace}/${b.name}`);
