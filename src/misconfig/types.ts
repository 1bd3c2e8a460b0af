// The rule contract for misconfiguration checks: data-light modules, one file per rule.
import type { Misconfiguration, RuleReferences, RuleSeverity } from "../model/index.js";

export interface RuleMeta {
  /** Stable id, e.g. BW-DS-001 (Dockerfile), BW-K8S-012, BW-COMPOSE-003, BW-IMG-002. */
  id: string;
  title: string;
  severity: RuleSeverity;
  remediation: string;
  references: RuleReferences;
}

/** A finding before the engine adds ruleId/title/severity/remediation/references/path. */
export interface RuleHit {
  message: string;
  line?: number;
  endLine?: number;
  resource?: Misconfiguration["resource"];
  /** Overrides the rule's severity for this hit (e.g. latest tag on a base vs final stage). */
  severity?: RuleSeverity;
}

export interface Rule<Doc> extends RuleMeta {
  check(doc: Doc): RuleHit[];
  /** Examples for the contract test: `bad` must produce ≥ 1 hit, `good` none. */
  examples: { good: string[]; bad: string[] };
}

export function toFinding(rule: RuleMeta, hit: RuleHit, path: string): Misconfiguration {
  const f: Misconfiguration = {
    ruleId: rule.id,
    severity: hit.severity ?? rule.severity,
    title: rule.title,
    message: hit.message,
    path,
    remediation: rule.remediation,
    references: rule.references,
  };
  if (hit.line !== undefined) f.line = hit.line;
  if (hit.endLine !== undefined) f.endLine = hit.endLine;
  if (hit.resource) f.resource = hit.resource;
  return f;
}

/**
 * Runs every rule over one document: suppressed hits are dropped, and a rule that throws on an
 * odd document is reported through `onFailure` without losing the other rules' findings.
 */
export function runRules<Doc>(
  rules: readonly Rule<Doc>[],
  doc: Doc,
  path: string,
  lines: string[] | null | undefined,
  onFailure: (rule: RuleMeta, error: unknown) => void,
): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  for (const rule of rules) {
    let hits: RuleHit[];
    try {
      hits = rule.check(doc);
    } catch (e) {
      onFailure(rule, e);
      continue;
    }
    for (const h of hits) {
      if (lines && suppressedInFile(lines, h.line, rule.id)) continue;
      // Messages are template-literal ropes of many small strings; reading a character makes V8
      // store one flat string instead, so each finding (a config scan keeps 100,000 of them until
      // the report is written) costs the GC one object rather than a rope.
      h.message.charCodeAt(0);
      out.push(toFinding(rule, h, path));
    }
  }
  return out;
}

/** "BW-DS-003 failed: …": a rule failure as a report error message. */
export function failureMessage(rule: RuleMeta, error: unknown, what = ""): string {
  return `${rule.id} failed${what ? ` on ${what}` : ""}: ${error instanceof Error ? error.message : String(error)}`;
}

/** In-file suppression: `# bulwark:ignore BW-K8S-012 reason` on the finding's line or the line above. */
export function suppressedInFile(lines: string[], line: number | undefined, ruleId: string): boolean {
  if (line === undefined) return false;
  const re = new RegExp(`bulwark:ignore\\s+(?:[A-Z0-9-]+\\s*,\\s*)*${ruleId.replace(/-/g, "\\-")}(?![A-Z0-9-])`);
  const hit = (n: number): boolean => n >= 1 && n <= lines.length && re.test(lines[n - 1]!);
  return hit(line) || hit(line - 1);
}
