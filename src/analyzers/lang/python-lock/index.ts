// Python lockfiles: requirements*.txt (exact pins only), poetry.lock, Pipfile.lock, uv.lock.
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import { finalizePypi, pep503 } from "../../shared/python-metadata.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parsePipfileLock } from "./pipfile.js";
import { parseRequirements } from "./requirements.js";
import { parsePoetryLock, parseUvLock, type Locked } from "./toml-locks.js";

// requirements.txt, requirements-dev.txt, dev-requirements.txt, requirements/prod.txt …
const REQUIREMENTS = /(^|\/)([^/]*requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/;
const LOCKS = new Set(["poetry.lock", "Pipfile.lock", "uv.lock"]);

export function wantedPath(path: string): boolean {
  return (LOCKS.has(baseName(path)) || (path.endsWith(".txt") && REQUIREMENTS.test(path))) && lockfileDiscoverable(path);
}


function toPackage(l: Locked, path: string): Package {
  const pkg: Package = { type: "pypi", name: l.name, version: l.version, purl: "", source: null, licenses: [], locations: [{ path: "/" + path }] };
  if (l.dev) pkg.dev = true;
  if (l.sourceType) pkg.metadata = { source: l.sourceType };
  return pkg;
}

function analyzeRequirements(file: AnalyzerFile): FileAnalysis {
  const { pins, includes } = parseRequirements(file.content.toString("utf8"));
  const seen = new Set<string>();
  const packages: Package[] = [];
  for (const p of pins) {
    const key = `${pep503(p.name)}@${p.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    packages.push(toPackage({ ...p, dev: false }, file.path));
  }
  // An included file is read on its own only when its name looks like a requirements file.
  const dir = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/") + 1) : "";
  const missed = includes.filter((inc) => !/^[a-z]+:\/\//i.test(inc) && !wantedPath(dir + inc.replace(/^\.\//, "")));
  return { packages, ...(missed.length ? { errors: missed.map((inc) => `${file.path} includes ${inc}, which is not scanned as a requirements file`) } : {}) };
}

export const pythonLockAnalyzer: Analyzer = {
  id: "lang/python-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const name = baseName(file.path);
    if (!LOCKS.has(name)) return analyzeRequirements(file);
    const text = file.content.toString("utf8");
    let locked: Locked[];
    try {
      locked = name === "Pipfile.lock" ? parsePipfileLock(text) : name === "uv.lock" ? parseUvLock(text) : parsePoetryLock(text);
    } catch (e) {
      return { errors: [`${file.path}: ${(e as Error).message}`] };
    }
    return { packages: locked.map((l) => toPackage(l, file.path)) };
  },
  finalize: finalizePypi,
};
