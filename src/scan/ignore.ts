// `.bulwarkignore` for rule-based findings (secrets, misconfigurations): entries name a rule id,
// `package:` optionally narrows them to a path or resource name. Vulnerabilities go through
// match/suppress.ts, which also knows aliases, purls and VEX.
import { existsSync } from "node:fs";
import { isExpired, loadIgnoreFile } from "../match/index.js";
import type { Report } from "../model/index.js";

/** The ignore file in force: the one given, else ./.bulwarkignore when present; false for none. */
export function ignoreFilePath(given: string | false | undefined): string | undefined {
  if (given === false) return undefined;
  return given ?? (existsSync(".bulwarkignore") ? ".bulwarkignore" : undefined);
}

/** `warnExpired`: false when another step (vulnerability suppression) already warned for this file. */
export function dropIgnoredFindings(report: Report, given: string | false | undefined, now: Date, warnExpired = true): void {
  const file = ignoreFilePath(given);
  if (!file) return;
  const rules = loadIgnoreFile(file);
  for (const r of rules) {
    if (warnExpired && isExpired(r, now)) report.errors.push({ source: "suppression", message: `${file}: ignore entry for ${r.id} expired on ${r.expires}; it no longer suppresses` });
  }
  const active = rules.filter((r) => !isExpired(r, now));
  if (active.length === 0) return;
  const ignored = (ruleId: string, path: string, name?: string): boolean =>
    active.some((r) => r.id.toUpperCase() === ruleId.toUpperCase() && (!r.package || r.package === path || r.package === name));
  report.secrets = report.secrets.filter((s) => !ignored(s.ruleId, s.path));
  report.misconfigurations = report.misconfigurations.filter((m) => !ignored(m.ruleId, m.path, m.resource?.name));
}
