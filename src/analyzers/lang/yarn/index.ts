// yarn.lock: the classic v1 format and yarn berry (v2+) YAML. Location is the lockfile; each
// (name, version) is reported once.
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import { addUnique, finalizeNpm } from "../../shared/npm-package.js";
import { parseBerry } from "./berry.js";
import { parseClassic } from "./classic.js";

export function wantedPath(path: string): boolean {
  return baseName(path) === "yarn.lock" && lockfileDiscoverable(path);
}

/** Berry lockfiles are YAML and always start with a `__metadata` block. */
export function isBerry(text: string): boolean {
  return /^__metadata:/m.test(text.slice(0, 4096));
}

export const yarnAnalyzer: Analyzer = {
  id: "lang/yarn",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: (path) => wantedPath(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const text = file.content.toString("utf8");
    const { entries, errors } = isBerry(text) ? parseBerry(text, file.path) : parseClassic(text, file.path);
    const seen = new Map<string, Package>();
    for (const e of entries) addUnique(seen, { type: "npm", name: e.name, version: e.version, purl: "", source: null, licenses: [], locations: [{ path: "/" + file.path }] });
    return { packages: [...seen.values()], ...(errors.length ? { errors } : {}) };
  },
  finalize: (packages: Package[]) => finalizeNpm(packages),
};
