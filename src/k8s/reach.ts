// What a ServiceAccount can reach, from the snapshot's RBAC objects: a deliberately small check
// (cluster-admin power, reading secrets, creating pods, exec) used by the exposure ranking. A
// fuller RBAC engine (aggregation, escalation paths) can be plugged in through `ReachFunction`.
import type { ClusterSnapshot, K8sObject } from "./snapshot.js";

export interface Subject {
  kind: "ServiceAccount" | "User" | "Group";
  name: string;
  namespace?: string;
}

export interface Reach {
  /** Can do anything anywhere (cluster-admin or an equivalent wildcard rule through a ClusterRoleBinding). */
  clusterAdmin: boolean;
  /** Where it can read secrets: "*" (every namespace) or namespace names. */
  secrets: string[];
  /** Where it can create pods (and so mount any ServiceAccount there). */
  createPods: string[];
  /** Where it can exec into pods. */
  exec: string[];
  /** One line per grant that matters: "ClusterRoleBinding ci-admin → ClusterRole cluster-admin". */
  evidence: string[];
}

export type ReachFunction = (subject: Subject, snapshot: ClusterSnapshot) => Reach;

type Rule = { apiGroups?: unknown; resources?: unknown; verbs?: unknown; resourceNames?: unknown };

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function allows(rule: Rule, group: string, resource: string, verbs: string[]): boolean {
  const groups = list(rule.apiGroups);
  const resources = list(rule.resources);
  const rv = list(rule.verbs);
  if (list(rule.resourceNames).length > 0) return false; // named objects only: not "every secret"
  return (groups.includes("*") || groups.includes(group)) && (resources.includes("*") || resources.includes(resource)) && (rv.includes("*") || verbs.some((v) => rv.includes(v)));
}

function isWildcard(rule: Rule): boolean {
  return list(rule.apiGroups).includes("*") && list(rule.resources).includes("*") && list(rule.verbs).includes("*");
}

function subjectMatches(s: unknown, sub: Subject): boolean {
  if (!s || typeof s !== "object") return false;
  const o = s as { kind?: unknown; name?: unknown; namespace?: unknown };
  if (sub.kind === "ServiceAccount") {
    if (o.kind === "ServiceAccount") return o.name === sub.name && o.namespace === sub.namespace;
    if (o.kind === "Group") return o.name === "system:serviceaccounts" || o.name === `system:serviceaccounts:${sub.namespace}` || o.name === "system:authenticated";
    if (o.kind === "User") return o.name === `system:serviceaccount:${sub.namespace}:${sub.name}`;
    return false;
  }
  return o.kind === sub.kind && o.name === sub.name;
}

/** The built-in reach check: bindings naming the subject (directly or through its groups) and their roles' rules. */
export const simpleReach: ReachFunction = (subject, snap) => {
  const reach: Reach = { clusterAdmin: false, secrets: [], createPods: [], exec: [], evidence: [] };
  const clusterRoles = new Map(snap.objects.clusterRoles.map((r) => [r.metadata.name, r]));
  const roles = new Map(snap.objects.roles.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r]));
  const addTo = (where: string[], ns: string): void => {
    if (where.includes("*")) return;
    if (ns === "*") where.splice(0, where.length, "*");
    else if (!where.includes(ns)) where.push(ns);
  };
  const consider = (binding: K8sObject, scope: string): void => {
    if (!Array.isArray(binding.subjects)) return;
    if (!(binding.subjects as unknown[]).some((s) => subjectMatches(s, subject))) return;
    const ref = (binding.roleRef ?? {}) as { kind?: unknown; name?: unknown };
    const role = ref.kind === "ClusterRole" ? clusterRoles.get(String(ref.name)) : roles.get(`${binding.metadata.namespace}/${String(ref.name)}`);
    const rules = (Array.isArray(role?.rules) ? role.rules : []) as Rule[];
    const label = `${binding.kind} ${binding.metadata.namespace ? `${binding.metadata.namespace}/` : ""}${binding.metadata.name} -> ${String(ref.kind)} ${String(ref.name)}`;
    const notes: string[] = [];
    if (scope === "*" && (ref.name === "cluster-admin" || rules.some(isWildcard))) {
      reach.clusterAdmin = true;
      notes.push("cluster-admin");
      for (const where of [reach.secrets, reach.createPods, reach.exec]) addTo(where, "*");
    }
    if (rules.some((r) => allows(r, "", "secrets", ["get", "list", "watch"]))) {
      addTo(reach.secrets, scope);
      notes.push(`read secrets ${scope === "*" ? "in every namespace" : `in ${scope}`}`);
    }
    if (rules.some((r) => allows(r, "", "pods", ["create"]))) {
      addTo(reach.createPods, scope);
      notes.push(`create pods ${scope === "*" ? "in every namespace" : `in ${scope}`}`);
    }
    if (rules.some((r) => allows(r, "", "pods/exec", ["create", "get"]))) {
      addTo(reach.exec, scope);
      notes.push(`exec into pods ${scope === "*" ? "in every namespace" : `in ${scope}`}`);
    }
    if (notes.length) reach.evidence.push(`${label}: ${notes.join(", ")}`);
  };
  for (const b of snap.objects.clusterRoleBindings) consider(b, "*");
  for (const b of snap.objects.roleBindings) consider(b, b.metadata.namespace ?? "default");
  return reach;
};
