// Docker Compose scanning: one file at a time, every rule over every service.
import type { Misconfiguration } from "../../model/index.js";
import { suppressedInFile, toFinding } from "../types.js";
import { parseCompose } from "./doc.js";
import { composeRules } from "./rules/index.js";

export { composeRules } from "./rules/index.js";
export { ComposeParseError } from "./doc.js";

export function isComposeFile(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? "";
  return /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i.test(base);
}

/** Throws ComposeParseError on unreadable YAML (including alias bombs) so the caller can record it. */
export function scanCompose(text: string, path: string): Misconfiguration[] {
  const doc = parseCompose(text);
  const lines = text.includes("bulwark:ignore") ? text.split(/\r?\n/) : undefined;
  const out: Misconfiguration[] = [];
  for (const rule of composeRules) {
    for (const h of rule.check(doc)) {
      if (lines && suppressedInFile(lines, h.line, rule.id)) continue;
      out.push(toFinding(rule, h, path));
    }
  }
  return out;
}
