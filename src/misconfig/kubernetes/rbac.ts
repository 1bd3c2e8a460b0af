// RBAC helpers: walking the rules of a Role/ClusterRole and describing the bindings that grant it.
import type { RuleHit } from "../types.js";
import type { BindingFact, K8sDoc } from "./context.js";
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

/** Groups whose names start with system: but that stand for everyone, or every service account. */
const EVERYONE = /^system:(authenticated|unauthenticated|serviceaccounts(:.*)?)$/;

/**
 * The cluster's own identities: system: users (the control plane's components; not
 * system:anonymous), system: groups other than the everyone groups, and service accounts of
 * kube-system (also written as the user system:serviceaccount:kube-system:NAME).
 */
export function isControlPlaneSubject(s: unknown): boolean {
  const o = asObj(s);
  const kind = str(o.kind);
  const name = str(o.name) ?? "";
  if (kind === "ServiceAccount") return str(o.namespace) === "kube-system";
  if (!name.startsWith("system:") || name === "system:anonymous" || EVERYONE.test(name)) return false;
  if (name.startsWith("system:serviceaccount:")) return name.startsWith("system:serviceaccount:kube-system:");
  return kind === "User" || kind === "Group";
}

/** Kubernetes' default roles: cluster-admin, admin, edit, view and the system: roles. */
export function isDefaultRoleName(kind: string, name: string): boolean {
  if (name.startsWith("system:")) return kind === "ClusterRole" || kind === "Role";
  return kind === "ClusterRole" && ["cluster-admin", "admin", "edit", "view"].includes(name);
}

/**
 * The default ClusterRoleBindings that include the everyone groups, with the subjects they bind
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy testdata, cluster-role-bindings.yaml).
 */
const DEFAULT_OPEN_BINDINGS: Record<string, { role: string; subjects: string[] }> = {
  "system:basic-user": { role: "system:basic-user", subjects: ["Group system:authenticated"] },
  "system:discovery": { role: "system:discovery", subjects: ["Group system:authenticated"] },
  "system:public-info-viewer": { role: "system:public-info-viewer", subjects: ["Group system:authenticated", "Group system:unauthenticated"] },
  "system:service-account-issuer-discovery": { role: "system:service-account-issuer-discovery", subjects: ["Group system:serviceaccounts"] },
};

/** A ClusterRoleBinding exactly as Kubernetes creates it: default name, role and subjects. */
export function isDefaultOpenBinding(res: Resource): boolean {
  const d = DEFAULT_OPEN_BINDINGS[res.name];
  const ref = asObj(res.obj.roleRef);
  if (res.kind !== "ClusterRoleBinding" || !d || str(ref.kind) !== "ClusterRole" || str(ref.name) !== d.role) return false;
  return asArray(res.obj.subjects).every((s) => d.subjects.includes(`${str(asObj(s).kind)} ${str(asObj(s).name)}`));
}

/** "bound by RoleBinding shop/dev (User alice)" or a note that the scanned files do not bind it. */
export function bindingNote(doc: K8sDoc): string {
  const bindings = bindingsOf(doc);
  if (bindings.length === 0) return "not bound in the scanned files";
  const shown = bindings.slice(0, 5).map((b) => `${b.label} (${b.subjects.slice(0, 5).map(subjectText).join(", ") || "no subjects"})`);
  return `bound by ${shown.join("; ")}${bindings.length > 5 ? ` and ${bindings.length - 5} more` : ""}`;
}

function bindingsOf(doc: K8sDoc): BindingFact[] {
  const key = roleKey(doc.res);
  return key ? (doc.index.bindings.get(key) ?? []) : [];
}

/**
 * Runs `fn` on each rule of a Role/ClusterRole; a returned string becomes a hit on that rule's line.
 * Kubernetes' default roles are quiet unless the scanned files bind them to a subject other than
 * the cluster's own identities: their grants are the platform's, not the application's.
 */
export function eachPolicyRule(doc: K8sDoc, fn: (rule: PolicyRule) => string | { message: string; severity: RuleHit["severity"] } | undefined): RuleHit[] {
  const { res } = doc;
  if (!isRole(res)) return [];
  if (isDefaultRoleName(res.kind, res.name) && !bindingsOf(doc).some((b) => b.subjects.some((s) => !isControlPlaneSubject(s)))) return [];
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
