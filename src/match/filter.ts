// Report gates: which findings a user asked to see.
import type { Severity, Vulnerability } from "../model/index.js";

export interface FilterOptions {
  /** Keep only these severities (all when absent or empty). */
  severities?: readonly Severity[];
  /** Drop findings without a fixed version (status `affected` or `will_not_fix`). */
  ignoreUnfixed?: boolean;
}

export function applyFilters(vulns: readonly Vulnerability[], opts: FilterOptions = {}): Vulnerability[] {
  const wanted = opts.severities && opts.severities.length > 0 ? new Set(opts.severities) : null;
  return vulns.filter((v) => (!wanted || wanted.has(v.severity)) && (!opts.ignoreUnfixed || v.status === "fixed"));
}
