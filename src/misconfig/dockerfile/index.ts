// Dockerfile scanning: parse once, run every rule, honour in-file suppressions.
import { basename } from "node:path";
import type { Misconfiguration } from "../../model/index.js";
import { suppressedInFile, toFinding } from "../types.js";
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

export function scanDockerfile(text: string, path: string, opts: ParseOptions = {}): Misconfiguration[] {
  if (typeof text !== "string") throw new TypeError(`scanDockerfile: expected text for ${path}`);
  const doc = parseDockerfile(text, path, opts);
  const out: Misconfiguration[] = [];
  for (const rule of dockerfileRules) {
    for (const hit of rule.check(doc)) {
      if (suppressedInFile(doc.lines, hit.line, rule.id)) continue;
      out.push(toFinding(rule, hit, path));
    }
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.ruleId.localeCompare(b.ruleId));
}
