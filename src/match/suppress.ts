// Applies ignore rules and VEX statements to findings.
import type { SuppressedVulnerability, Suppression, Vulnerability } from "../model/index.js";
import { isExpired, type IgnoreRule } from "./ignore.js";
import { purlMatches } from "./purl-match.js";
import type { VexRule } from "./vex.js";

export type SuppressionRule = IgnoreRule | VexRule;

export interface SuppressionResult {
  kept: Vulnerability[];
  suppressed: SuppressedVulnerability[];
  /** One line per expired ignore rule (they no longer suppress). */
  warnings: string[];
}

const sameId = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

function namesVulnerability(ids: readonly string[], v: Vulnerability): boolean {
  return ids.some((id) => sameId(id, v.id) || v.aliases.some((a) => sameId(id, a)));
}

/**
 * An ignore rule's purl is the package's purl exactly, or a prefix of it that ends at a purl
 * boundary: `pkg:npm/lodash` covers `pkg:npm/lodash@4.17.21` but not `pkg:npm/lodash.merge@…`.
 */
export function purlCovers(prefix: string, purl: string): boolean {
  if (purl === prefix) return true;
  if (!purl.startsWith(prefix)) return false;
  return /[/@?#&]$/.test(prefix) || /^[/@?#]/.test(purl.slice(prefix.length));
}

function ignoreMatches(rule: IgnoreRule, v: Vulnerability): boolean {
  return (
    namesVulnerability([rule.id], v) &&
    (rule.package === undefined || rule.package === v.package.name) &&
    (rule.purl === undefined || purlCovers(rule.purl, v.package.purl))
  );
}

function vexMatches(rule: VexRule, v: Vulnerability): boolean {
  return namesVulnerability(rule.ids, v) && rule.products.some((p) => purlMatches(p, v.package.purl));
}

function time(rule: VexRule): number {
  const t = rule.timestamp ? Date.parse(rule.timestamp) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

function ignoreSuppression(rule: IgnoreRule): Suppression {
  return {
    by: "ignore-file",
    reason: rule.reason,
    ...(rule.file ? { file: rule.file } : {}),
    ...(rule.expires ? { expires: rule.expires } : {}),
  };
}

function vexSuppression(rule: VexRule): Suppression {
  return {
    by: "vex",
    reason: [rule.justification, rule.detail].filter(Boolean).join(": ") || rule.status,
    ...(rule.file ? { file: rule.file } : {}),
    vexStatus: rule.status,
  };
}

/**
 * Splits findings into kept and suppressed. Ignore rules come first (the first live rule that
 * matches wins); then VEX, where the latest statement about the finding decides, so a later
 * `affected` or `under_investigation` overrides an earlier `not_affected`.
 */
export function applySuppressions(vulns: readonly Vulnerability[], rules: readonly SuppressionRule[], now: Date = new Date()): SuppressionResult {
  const ignores = rules.filter((r): r is IgnoreRule => r.kind === "ignore");
  const live = ignores.filter((r) => !isExpired(r, now));
  const vex = rules
    .map((rule, order) => ({ rule, order }))
    .filter((x): x is { rule: VexRule; order: number } => x.rule.kind === "vex");
  const warnings = ignores
    .filter((r) => isExpired(r, now))
    .map((r) => `${r.file ?? ".bulwarkignore"}${r.line ? `:${r.line}` : ""}: ignore rule for ${r.id} expired on ${r.expires}; it no longer suppresses`);

  const kept: Vulnerability[] = [];
  const suppressed: SuppressedVulnerability[] = [];
  for (const v of vulns) {
    const ignore = live.find((r) => ignoreMatches(r, v));
    if (ignore) {
      suppressed.push({ ...v, suppression: ignoreSuppression(ignore) });
      continue;
    }
    const statements = vex.filter((x) => vexMatches(x.rule, v));
    const decisive = statements.sort((a, b) => time(a.rule) - time(b.rule) || a.order - b.order).at(-1)?.rule;
    if (decisive?.suppresses) suppressed.push({ ...v, suppression: vexSuppression(decisive) });
    else kept.push(v);
  }
  return { kept, suppressed, warnings };
}
