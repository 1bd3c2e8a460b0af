// Docker Compose scanning: one file at a time, every rule over every service.
import type { Misconfiguration } from "../../model/index.js";
import { failureMessage, runRules } from "../types.js";
import { parseCompose } from "./doc.js";
import { composeRules } from "./rules/index.js";

export { composeRules } from "./rules/index.js";
export { ComposeParseError } from "./doc.js";

export function isComposeFile(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? "";
  return /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i.test(base);
}

/**
 * Throws ComposeParseError on unreadable YAML (including alias bombs) so the caller can record it.
 * `failures` receives one message per rule that threw (its other findings are kept).
 */
export function scanCompose(text: string, path: string, failures: string[] = []): Misconfiguration[] {
  const doc = parseCompose(text);
  const lines = text.includes("bulwark:ignore") ? text.split(/\r?\n/) : undefined;
  return runRules(composeRules, doc, path, lines, (rule, e) => failures.push(failureMessage(rule, e)));
}
