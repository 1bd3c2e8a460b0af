// npm lockfiles: package-lock.json (v1 nested `dependencies`, v2/v3 flat `packages`) and
// npm-shrinkwrap.json. Location is the lockfile; each (name, version) is reported once.
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import { addUnique, finalizeNpm, npmLicenses, npmPackage } from "../../shared/npm-package.js";
import { parseJsonFile } from "../../shared/json.js";

const NAMES = new Set(["package-lock.json", "npm-shrinkwrap.json"]);
/** v1 trees nest one level per node_modules folder; real ones stay far below this. */
const MAX_DEPTH = 256;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

export function wantedPath(path: string): boolean {
  return NAMES.has(baseName(path)) && lockfileDiscoverable(path);
}

export const npmLockAnalyzer: Analyzer = {
  id: "lang/npm-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: (path) => wantedPath(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const parsed = parseJsonFile(file);
    if (!parsed.ok) throw new Error(parsed.error);
    const json = parsed.value;
    if (!isObj(json)) throw new Error(`${file.path} is not a JSON object`);
    const seen = new Map<string, Package>();
    const errors: string[] = [];
    // v2 carries both forms; `packages` is the complete one.
    if (isObj(json.packages)) readPackages(json.packages, file.path, seen);
    else if (isObj(json.dependencies)) readDependencies(json.dependencies, file.path, seen, errors);
    return { packages: [...seen.values()], ...(errors.length ? { errors } : {}) };
  },
  finalize: (packages: Package[]) => finalizeNpm(packages),
};

/** Name of the package installed at `…node_modules/[@scope/]name`, or the folder's name. */
export function nameFromKey(key: string): string {
  const i = key.lastIndexOf("node_modules/");
  const rest = i === -1 ? key : key.slice(i + "node_modules/".length);
  const segs = rest.split("/");
  if (i !== -1) return segs[0]!.startsWith("@") && segs.length > 1 ? `${segs[0]}/${segs[1]}` : segs[0]!;
  return segs[segs.length - 1]!;
}

/** v2/v3: keys are install paths; "" is the project itself, `link` entries point at folders. */
function readPackages(packages: Obj, path: string, seen: Map<string, Package>): void {
  const linkNames = new Map<string, string>();
  for (const [key, entry] of Object.entries(packages)) {
    if (isObj(entry) && entry.link === true && typeof entry.resolved === "string") linkNames.set(entry.resolved, nameFromKey(key));
  }
  for (const [key, entry] of Object.entries(packages)) {
    if (key === "" || !isObj(entry) || entry.link === true) continue;
    const version = typeof entry.version === "string" ? entry.version : "";
    if (!version) continue;
    const inNodeModules = key.startsWith("node_modules/") || key.includes("/node_modules/");
    // `name` is written for aliases (node_modules/<alias>) and for workspace/link targets.
    const name = typeof entry.name === "string" && entry.name ? entry.name : (!inNodeModules && linkNames.get(key)) || nameFromKey(key);
    const pkg = npmPackage(name, version, path, { licenses: npmLicenses(entry.license, entry.licenses) });
    if (entry.dev === true || entry.devOptional === true) pkg.dev = true;
    const metadata: Record<string, string> = {};
    if (entry.inBundle === true) metadata.bundled = "true";
    // A workspace or file: dependency lives in a project folder, not in node_modules.
    if (!inNodeModules) metadata.folder = key;
    if (Object.keys(metadata).length) pkg.metadata = metadata;
    addUnique(seen, pkg);
  }
}

/** v1: `dependencies` maps names to entries whose own `dependencies` are nested copies. */
function readDependencies(root: Obj, path: string, seen: Map<string, Package>, errors: string[]): void {
  const stack: { deps: Obj; depth: number }[] = [{ deps: root, depth: 0 }];
  while (stack.length) {
    const { deps, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) {
      errors.push(`dependencies nested deeper than ${MAX_DEPTH} levels in ${path}; the rest is skipped`);
      break;
    }
    for (const [key, entry] of Object.entries(deps)) {
      if (!isObj(entry)) continue;
      if (isObj(entry.dependencies)) stack.push({ deps: entry.dependencies, depth: depth + 1 });
      // Hand-edited v1 files sometimes use install paths as keys.
      const resolved = v1Version(key.includes("node_modules/") ? nameFromKey(key) : key, entry);
      if (!resolved) continue;
      const pkg = npmPackage(resolved.name, resolved.version, path);
      if (entry.dev === true) pkg.dev = true;
      if (entry.bundled === true) pkg.metadata = { bundled: "true" };
      addUnique(seen, pkg);
    }
  }
}

/**
 * A v1 `version`: a plain version, `npm:<real-name>@<version>` for aliases, a git URL ending in
 * `#<commit>` (the commit is the only version known), or `file:` (local code: skipped).
 */
export function v1Version(key: string, entry: Obj): { name: string; version: string } | null {
  const v = typeof entry.version === "string" ? entry.version.trim() : "";
  if (!v || v.startsWith("file:")) return null;
  if (v.startsWith("npm:")) {
    const spec = v.slice(4);
    const at = spec.lastIndexOf("@");
    if (at <= 0) return null;
    return { name: spec.slice(0, at), version: spec.slice(at + 1) };
  }
  if (/^[a-z+]+:/i.test(v) || v.includes("/")) {
    const hash = v.lastIndexOf("#");
    if (hash === -1) return null;
    // `from` names the real package for git aliases: "is-number@https://…".
    const from = typeof entry.from === "string" ? /^(@[^/@]+\/)?[^/@]+(?=@)/.exec(entry.from)?.[0] : undefined;
    return { name: from ?? key, version: v.slice(hash + 1) };
  }
  return { name: key, version: v };
}
