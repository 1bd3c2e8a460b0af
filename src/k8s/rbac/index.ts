// RBAC analysis over Kubernetes objects: can-i, who-can and escalation paths, offline.
import { UserError } from "../../errors.js";
import { Authorizer, defaultGroups, parseServiceAccountUser, ruleAllows, SUPERUSER_GROUP, type Attributes, type Decision, type UserInfo } from "./authorizer.js";
import { EscalationGraph, reachOf, subjectLabel, type EscalationPath, type EscalationReport, type Reach } from "./escalation.js";
import type { K8sObject, Subject } from "./objects.js";
import { parseRequest } from "./resources.js";

export { Authorizer, defaultGroups, parseServiceAccountUser, ruleAllows, type Attributes, type Decision, type UserInfo } from "./authorizer.js";
export { EscalationGraph, findEscalations, reachOf, type EscalationPath, type EscalationReport, type Reach, type Step as EscalationStep } from "./escalation.js";
export { collectObjects, loadObjects, parseObjects, type K8sObject, type Subject } from "./objects.js";
export { parseRequest, BUILTIN_RESOURCES } from "./resources.js";

export interface RbacQuery {
  verb: string;
  /** TYPE[.GROUP][/NAME] or a non-resource URL. */
  resource: string;
  namespace?: string;
  subresource?: string;
  /** who-can: look in every namespace when no namespace is given (default true). */
  allNamespaces?: boolean;
}

/** kubectl's --as / --as-group: a user name (system:serviceaccount:NS:NAME for service accounts). */
export function userFor(as: string, asGroups: string[] = []): UserInfo {
  if (!as) throw new UserError("USAGE", "--as must name a user, e.g. jane or system:serviceaccount:NS:NAME");
  if (as.startsWith("system:serviceaccount:") && !parseServiceAccountUser(as)) throw new UserError("USAGE", `--as ${as}: write system:serviceaccount:NAMESPACE:NAME`);
  // Impersonation adds system:authenticated (and a service account's groups), as the API server does.
  return { user: as, groups: defaultGroups(as, asGroups) };
}

export interface CanIResult {
  allowed: boolean;
  user: string;
  groups: string[];
  request: string;
  attributes: Attributes;
  /** The rule that allowed it: binding, role, and the rule itself. */
  reason?: { binding: string; role: string; rule: Record<string, string[]> } | { superuser: true };
}

export function canI(objects: K8sObject[] | Authorizer, as: string, q: RbacQuery & { asGroups?: string[] }): CanIResult {
  const auth = objects instanceof Authorizer ? objects : new Authorizer(objects);
  const user = userFor(as, q.asGroups);
  const req = parseRequest(q.verb, q.resource, { namespace: q.namespace, subresource: q.subresource, defaultNamespace: "default" });
  const d = auth.authorize(user, req.attributes);
  const res: CanIResult = { allowed: d.allowed, user: user.user, groups: user.groups, request: req.text, attributes: req.attributes };
  const reason = reasonOf(d);
  if (reason) res.reason = reason;
  return res;
}

function reasonOf(d: Decision): CanIResult["reason"] {
  if (d.superuser) return { superuser: true };
  if (!d.reason) return undefined;
  const rule: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(d.reason.rule)) if (Array.isArray(v) && v.length > 0) rule[k] = v;
  return { binding: d.reason.binding, role: d.reason.role, rule };
}

export interface WhoCanEntry {
  subject: Subject;
  /** "" for cluster-wide (ClusterRoleBinding), else the RoleBinding's namespace. */
  namespace: string;
  binding: string;
  role: string;
}

export interface WhoCanResult {
  request: string;
  attributes: Attributes;
  entries: WhoCanEntry[];
  /** Always allowed, whatever the bindings. */
  superuserGroup: string;
}

export function whoCan(objects: K8sObject[] | Authorizer, q: RbacQuery): WhoCanResult {
  const auth = objects instanceof Authorizer ? objects : new Authorizer(objects);
  const req = parseRequest(q.verb, q.resource, { namespace: q.namespace, subresource: q.subresource });
  const a = req.attributes;
  const everyNs = a.path === undefined && a.namespace === "" && q.namespace === undefined && (q.allNamespaces ?? true);
  const entries: WhoCanEntry[] = [];
  for (const g of auth.grants()) {
    let attrs: Attributes = a;
    if (g.kind === "RoleBinding") {
      if (a.path !== undefined) continue;
      if (a.namespace !== g.namespace) {
        if (!everyNs || !isNamespacedRequest(req.attributes, q)) continue;
        attrs = { ...a, namespace: g.namespace };
      }
    }
    if (!g.rules.some((r) => ruleAllows(r, attrs))) continue;
    for (const s of g.subjects) {
      const subject: Subject = s.kind === "ServiceAccount" ? { kind: s.kind, name: s.name, namespace: s.namespace || g.namespace } : { kind: s.kind, name: s.name };
      entries.push({ subject, namespace: g.namespace, binding: g.binding, role: g.role });
    }
  }
  entries.sort((x, y) => cmp(x.namespace, y.namespace) || cmp(subjectLabel(x.subject), subjectLabel(y.subject)) || cmp(x.binding, y.binding));
  return { request: everyNs && isNamespacedRequest(a, q) ? `${req.text} in any namespace` : req.text, attributes: a, entries, superuserGroup: SUPERUSER_GROUP };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const isNamespacedRequest = (a: Attributes, q: RbacQuery): boolean => a.path === undefined && parseRequest(q.verb, q.resource, { namespace: "x", subresource: q.subresource }).attributes.namespace === "x";

/** The reach of one subject (a ServiceAccount for workloads): for exposure ranking. */
export function reach(objects: K8sObject[] | EscalationGraph, subject: Subject): Reach {
  const g = objects instanceof EscalationGraph ? objects : new EscalationGraph(objects);
  return reachOf(g, subject);
}

export function canITable(r: CanIResult): string {
  const why = !r.reason ? "" : "superuser" in r.reason ? " (group system:masters)" : ` (${r.reason.binding} -> ${r.reason.role})`;
  return `${r.allowed ? "yes" : "no"}${why}\n`;
}

export function whoCanTable(r: WhoCanResult): string {
  const lines = [`who can ${r.request}:`];
  if (r.entries.length === 0) lines.push("  no binding grants it");
  const rows = r.entries.map((e) => [e.subject.kind, e.subject.kind === "ServiceAccount" ? `${e.subject.namespace}/${e.subject.name}` : e.subject.name, e.namespace || "(cluster)", `${e.binding} -> ${e.role}`]);
  const head = ["KIND", "SUBJECT", "SCOPE", "GRANTED BY"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  if (rows.length > 0) for (const row of [head, ...rows]) lines.push(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(w[i]!))).join("  "));
  lines.push(`(and every member of group ${r.superuserGroup})`);
  return clean(lines.join("\n")) + "\n";
}

export function escalationTable(r: EscalationReport): string {
  const lines: string[] = [];
  if (r.paths.length === 0) lines.push(`no escalation paths from ${r.subjects} non-system subjects`);
  else lines.push(`${r.paths.length} escalation ${r.paths.length === 1 ? "path" : "paths"} from ${r.subjects} non-system subjects:`);
  for (const p of r.paths) lines.push("", ...pathLines(p));
  return clean(lines.join("\n")) + "\n";
}

export function pathLines(p: EscalationPath): string[] {
  const goal = p.goal === "cluster-admin" ? "CLUSTER-ADMIN" : p.namespace === "*" ? "SECRETS of every namespace" : `SECRETS of namespace ${p.namespace}`;
  const out = [`${p.from} => ${goal} (${p.steps.length} ${p.steps.length === 1 ? "hop" : "hops"})`];
  let who = p.from;
  for (const [i, s] of p.steps.entries()) {
    out.push(`  ${i + 1}. ${who} can ${s.permission} [${s.grantedBy}]`);
    out.push(`     -> ${s.to}: ${s.how}`);
    who = s.to;
  }
  out.push(`  ${p.steps.length + 1}. ${who} can ${p.power} [${p.powerGrantedBy}]`);
  return out;
}

/** Names come from the cluster: no control characters on a terminal. */
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");
export { loadK8sObjects, type K8sSource, type LoadedObjects } from "./source.js";
