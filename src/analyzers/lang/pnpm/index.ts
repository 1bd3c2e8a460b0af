// pnpm-lock.yaml (lockfile versions 5.x, 6.x and 9.x). Location is the lockfile; each
// (name, version) is reported once; peer-dependency variants collapse into one package.
import { parseAllDocuments } from "yaml";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import { addUnique, finalizeNpm, npmPackage } from "../../shared/npm-package.js";
import { assertFlowDepth } from "../../shared/yaml-depth.js";
import { devOnlyV9 } from "./dev.js";
import { parseKey, splitAt } from "./keys.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function wantedPath(path: string): boolean {
  return baseName(path) === "pnpm-lock.yaml" && lockfileDiscoverable(path);
}

export const pnpmAnalyzer: Analyzer = {
  id: "lang/pnpm",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: (path) => wantedPath(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    // Failsafe: scalars stay strings (`lockfileVersion: 5.10`, `version: 1.10` keep their digits).
    const text = file.content.toString("utf8");
    assertFlowDepth(text, 64, file.path);
    const docs = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: false });
    const list = Array.isArray(docs) ? docs : [];
    const seen = new Map<string, Package>();
    const errors: string[] = [];
    for (const doc of list) {
      if (doc.errors.length) throw new Error(`invalid YAML in ${file.path}: ${doc.errors[0]!.message.split("\n")[0]}`);
      const root: unknown = doc.toJS({ maxAliasCount: 100 });
      if (root === null || root === undefined || root === "") continue;
      if (!isObj(root)) throw new Error(`${file.path} is not a YAML mapping`);
      if (isEnvDocument(root)) continue;
      readLockfile(root, file.path, seen, errors);
    }
    return { packages: [...seen.values()], ...(errors.length ? { errors } : {}) };
  },
  finalize: (packages: Package[]) => finalizeNpm(packages),
};

/**
 * pnpm 10+ may prepend a document that pins the package manager itself
 * (`packageManagerDependencies`); that is the tool, not a dependency of the project.
 */
function isEnvDocument(root: Obj): boolean {
  if (!isObj(root.importers)) return false;
  return Object.values(root.importers).some((i) => isObj(i) && ("packageManagerDependencies" in i || "configDependencies" in i) && !("dependencies" in i) && !("devDependencies" in i));
}

function readLockfile(root: Obj, path: string, seen: Map<string, Package>, errors: string[]): void {
  const major = Number.parseFloat(str(root.lockfileVersion)) || guessMajor(root);
  if (!isObj(root.packages)) return;
  const devOnly = major >= 9 ? devOnlyV9(root) : null;
  for (const [key, value] of Object.entries(root.packages)) {
    const entry = isObj(value) ? value : {};
    let name = str(entry.name);
    let version = str(entry.version);
    if (!name || !version) {
      const parsed = parseKey(key, major);
      if (parsed) {
        name ||= parsed.name;
        version ||= parsed.version;
      } else if (version && major >= 6) {
        // git and tarball keys (name@https://…) carry the real version in the entry.
        name ||= splitAt(key.replace(/^\//, ""))?.name ?? "";
      }
    }
    if (!name || !version) {
      if (errors.length < 20) errors.push(`${path}: cannot read a package name and version from key ${JSON.stringify(key.slice(0, 200))}`);
      continue;
    }
    const pkg = npmPackage(name, version, path);
    if (devOnly ? devOnly.has(key) : entry.dev === "true") pkg.dev = true;
    addUnique(seen, pkg);
  }
}

/** Lockfiles without a version field: v6+ keys use `name@version`. */
function guessMajor(root: Obj): number {
  const first = isObj(root.packages) ? Object.keys(root.packages)[0] : undefined;
  return first && /^\/?(@[^/]+\/)?[^/@]+@/.test(first) ? 6 : 5;
}
