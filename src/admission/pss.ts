// Pod Security Standards and hardening rules on one admitted object: the `bulwark config`
// Kubernetes rules (src/misconfig/kubernetes), run on the object as the API server sent it.
import type { Misconfiguration } from "../model/index.js";
import { kubernetesRulesFor, parsePssVersion, PSS_LATEST, type PssVersion } from "../misconfig/kubernetes/index.js";
import { emptyIndex, type K8sDoc, type K8sRule } from "../misconfig/kubernetes/context.js";
import type { Resource } from "../misconfig/kubernetes/resource.js";
import { failureMessage, runRules, toFinding } from "../misconfig/types.js";
import { UserError } from "../errors.js";

export type PssLevel = "privileged" | "baseline" | "restricted";
export const PSS_LEVELS: readonly PssLevel[] = ["privileged", "baseline", "restricted"];

export interface RuleSelection {
  /** Pod Security Standards level enforced ("privileged": none of its controls). */
  level: PssLevel;
  version: PssVersion;
  /** More rule ids of `bulwark config` (hardening beyond PSS, e.g. BW-K8S-021 CPU limits). */
  extraRules: Set<string>;
}

export function ruleSelection(level: string | undefined, version: string | undefined, extra: string[] = []): RuleSelection {
  const l = (level ?? "baseline") as PssLevel;
  if (!PSS_LEVELS.includes(l)) throw new UserError("USAGE", `--pss must be one of ${PSS_LEVELS.join(", ")}, got "${level}"`);
  const v = version === undefined ? PSS_LATEST : parsePssVersion(version);
  if (!v) throw new UserError("USAGE", `--pss-version must be "latest" or v1.N, got "${version}"`);
  for (const id of extra) if (!/^BW-K8S-\d{3}$/.test(id)) throw new UserError("USAGE", `--rules takes Kubernetes rule ids such as BW-K8S-021, got "${id}"`);
  return { level: l, version: v, extraRules: new Set(extra) };
}

/** The rules a selection runs, built once per selection. */
const chosen = new WeakMap<RuleSelection, K8sRule[]>();

function rulesOf(sel: RuleSelection): K8sRule[] {
  let rules = chosen.get(sel);
  if (!rules) {
    rules = kubernetesRulesFor(sel.version).filter((r) => {
      if (sel.extraRules.has(r.id)) return true;
      const pss = r.references.pss;
      return !!pss && (sel.level === "restricted" || (sel.level === "baseline" && pss.level === "baseline"));
    });
    chosen.set(sel, rules);
  }
  return rules;
}

export interface PodSecurityResult {
  findings: Misconfiguration[];
  /** Rules that failed on this object (should not happen; never a reason to deny by itself). */
  errors: string[];
}

/**
 * Runs the selected rules on `obj` (a Pod or workload, with apiVersion and kind), straight on the
 * object: no text, so no line numbers. Rules that decide across objects (deferred) see only this one.
 */
export function checkPodSecurity(obj: Record<string, unknown>, label: string, sel: RuleSelection): PodSecurityResult {
  const rules = rulesOf(sel);
  if (rules.length === 0) return { findings: [], errors: [] };
  const meta = (typeof obj.metadata === "object" && obj.metadata !== null ? obj.metadata : {}) as Record<string, unknown>;
  const name = typeof meta.name === "string" ? meta.name : typeof meta.generateName === "string" ? `${meta.generateName}*` : "";
  // The Pod Security rules read the pod template (spec and annotations) and the object's kind and
  // namespace, never its name: pods stamped from one template (a ReplicaSet's) share one result,
  // computed with a placeholder name that each answer replaces. Extra rules may read more: no sharing.
  if (sel.extraRules.size > 0) return run(obj, meta, name, label, rules, sel);
  const key = `${String(obj.kind)}\n${String(obj.apiVersion)}\n${typeof meta.namespace === "string" ? meta.namespace : ""}\n${JSON.stringify(meta.annotations ?? null)}\n${JSON.stringify(obj.spec ?? null)}`;
  let memo = shared.get(sel);
  if (!memo) shared.set(sel, (memo = new Map()));
  let hit = memo.get(key);
  if (hit) {
    memo.delete(key);
    memo.set(key, hit);
  } else {
    hit = run(obj, meta, NAME_MARK, NAME_MARK, rules, sel);
    memo.set(key, hit);
    if (memo.size > SHARED_MAX) memo.delete(memo.keys().next().value!);
  }
  if (hit.findings.length === 0 && hit.errors.length === 0) return hit;
  const fill = (text: string) => text.replaceAll(NAME_MARK, name);
  return {
    findings: hit.findings.map((f) => ({ ...f, path: label, message: fill(f.message), ...(f.resource ? { resource: { ...f.resource, name } } : {}) })),
    errors: hit.errors.map(fill),
  };
}

const NAME_MARK = "\u0000name\u0000";
const SHARED_MAX = 2000;
const shared = new WeakMap<RuleSelection, Map<string, PodSecurityResult>>();

function run(obj: Record<string, unknown>, meta: Record<string, unknown>, name: string, label: string, rules: K8sRule[], sel: RuleSelection): PodSecurityResult {
  const res: Resource = { path: label, apiVersion: String(obj.apiVersion ?? ""), kind: String(obj.kind ?? ""), name, obj, node: null };
  if (typeof meta.namespace === "string") res.namespace = meta.namespace;
  const index = emptyIndex();
  const doc: K8sDoc = { res, index, pss: sel.version };
  const errors: string[] = [];
  const immediate = rules.filter((r) => !r.deferred);
  const findings = runRules(immediate, doc, label, null, (rule, e) => errors.push(failureMessage(rule, e, label)));
  for (const rule of rules) {
    if (!rule.deferred) continue;
    try {
      const fact = rule.deferred.collect(doc);
      if (fact !== undefined) for (const h of rule.deferred.check(fact, index)) findings.push(toFinding(rule, h, label));
    } catch (e) {
      errors.push(failureMessage(rule, e, label));
    }
  }
  return { findings, errors };
}
