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

/** In-file suppression: `# bulwark:ignore BW-K8S-012 reason` on the finding's line or the line above. */
export function suppressedInFile(lines: string[], line: number | undefined, ruleId: string): boolean {
  if (line === undefined) return false;
  const re = new RegExp(`bulwark:ignore\\s+(?:[A-Z0-9-]+\\s*,\\s*)*${ruleId.replace(/-/g, "\\-")}(?![A-Z0-9-])`);
  const hit = (n: number): boolean => n >= 1 && n <= lines.length && re.test(lines[n - 1]!);
  return hit(line) || hit(line - 1);
}
