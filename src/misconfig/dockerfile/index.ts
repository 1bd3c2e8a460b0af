// Dockerfile scanning: parse once, run every rule, honour in-file suppressions.
import { basename } from "node:path";
import type { Misconfiguration } from "../../model/index.js";
import { failureMessage, runRules } from "../types.js";
import { parseDockerfile } from "./doc.js";
import type { ParseOptions } from "./doc.js";
import { dockerfileRules } from "./rules/index.js";

export { dockerfileRules } from "./rules/index.js";
export type { DockerfileDoc, DfInstruction, Stage, RunCommand } from "./doc.js";
export { parseDockerfile } from "./doc.js";

/** Dockerfile, Containerfile, app.Dockerfile, Dockerfile.prod (case-insensitive). */
export function isDockerfile(path: string): boolean {
  const name = basename(path.replace(/\\/g, "/")).toLowerCase();
  return name === "dockerfile" || name === "containerfile" || name.endsWith(".dockerfile") || name.startsWith("dockerfile.") || name.startsWith("containerfile.");
}

/** `failures` receives one message per rule that threw (its other findings are kept). */
export function scanDockerfile(text: string, path: string, opts: ParseOptions = {}, failures: string[] = []): Misconfiguration[] {
  if (typeof text !== "string") throw new TypeError(`scanDockerfile: expected text for ${path}`);
  const doc = parseDockerfile(text, path, opts);
  const out = runRules(dockerfileRules, doc, path, doc.lines, (rule, e) => failures.push(failureMessage(rule, e)));
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.ruleId.localeCompare(b.ruleId));
}
