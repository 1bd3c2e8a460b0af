// RBAC helpers: walking the rules of a Role/ClusterRole and describing the bindings that grant it.
import type { RuleHit } from "../types.js";
import type { K8sDoc } from "./context.js";
import { roleKey } from "./context.js";
import type { Resource } from "./resource.js";
import { asArray, asObj, isObj, label, line, str, strings } from "./resource.js";
import { hit } from "./checks.js";

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export function isRole(res: Resource): boolean {
  return res.kind === "Role" || res.kind === "ClusterRole";
}

/** True when the rule's list grants `want` (directly or through "*"). */
export const grants = (have: string[], want: string): boolean => have.includes("*") || have.includes(want);

/** Core API group ("") resources: the rule must cover the core group. */
export function coversCore(rule: PolicyRule): boolean {
  return rule.apiGroups.length === 0 || grants(rule.apiGroups, "");
}

/** A subresource such as pods/exec is also granted by "pods/*" and "*". */
export function grantsResource(rule: PolicyRule, resource: string): boolean {
  if (grants(rule.resources, resource)) return true;
  const slash = resource.indexOf("/");
  return slash > 0 && rule.resources.includes(`${resource.slice(0, slash)}/*`);
}

export function subjectText(s: unknown): string {
  const o = asObj(s);
  const ns = str(o.namespace);
  return `${str(o.kind) ?? "?"} ${ns && str(o.kind) === "ServiceAccount" ? `${ns}/` : ""}${str(o.name) ?? "?"}`;
}

/** "bound by RoleBinding shop/dev (User alice)" or a note that the scanned files do not bind it. */
export function bindingNote(doc: K8sDoc): string {
  const key = roleKey(doc.res);
  const bindings = key ? (doc.index.bindings.get(key) ?? []) : [];
  if (bindings.length === 0) return "not bound in the scanned files";
  const shown = bindings.slice(0, 5).map((b) => `${b.label} (${b.subjects.slice(0, 5).map(subjectText).join(", ") || "no subjects"})`);
  return `bound by ${shown.join("; ")}${bindings.length > 5 ? ` and ${bindings.length - 5} more` : ""}`;
}

/** Runs `fn` on each rule of a Role/ClusterRole; a returned string becomes a hit on that rule's line. */
export function eachPolicyRule(doc: K8sDoc, fn: (rule: PolicyRule) => string | { message: string; severity: RuleHit["severity"] } | undefined): RuleHit[] {
  const { res } = doc;
  if (!isRole(res)) return [];
  const out: RuleHit[] = [];
  let note: string | undefined;
  asArray(res.obj.rules).forEach((r, i) => {
    if (!isObj(r)) return;
    const result = fn({ apiGroups: strings(r.apiGroups), resources: strings(r.resources), verbs: strings(r.verbs) });
    if (result === undefined) return;
    note ??= bindingNote(doc);
    const message = typeof result === "string" ? result : result.message;
    const h = hit(res, line(res, ["rules", i]), `${label(res)} ${message}; ${note}`);
    if (typeof result !== "string" && result.severity) h.severity = result.severity;
    out.push(h);
  });
  return out;
}

export function roleYaml(kind: "Role" | "ClusterRole", ruleLines: string[]): string {
  return [
    "apiVersion: rbac.authorization.k8s.io/v1",
    `kind: ${kind}`,
    "metadata:",
    "  name: app",
    ...(kind === "Role" ? ["  namespace: shop"] : []),
    "rules:",
    ...ruleLines.map((l) => `  ${l}`),
  ].join("\n");
}

export function bindingYaml(kind: "RoleBinding" | "ClusterRoleBinding", role: string, subjects: string[]): string {
  return [
    "apiVersion: rbac.authorization.k8s.io/v1",
    `kind: ${kind}`,
    "metadata:",
    "  name: grant",
    ...(kind === "RoleBinding" ? ["  namespace: shop"] : []),
    "roleRef:",
    "  apiGroup: rbac.authorization.k8s.io",
    "  kind: ClusterRole",
    `  name: ${role}`,
    "subjects:",
    ...subjects.map((l) => `  ${l}`),
  ].join("\n");
}
