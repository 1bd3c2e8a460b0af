// poetry.lock and uv.lock: both TOML with one [[package]] table per locked distribution.
import { parseToml, type TomlTable, type TomlValue } from "../../shared/toml.js";

export interface Locked {
  name: string;
  version: string;
  dev: boolean;
  /** Where it comes from when not an index: git, directory, url, … */
  sourceType?: string;
}

const table = (v: TomlValue | undefined): TomlTable | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
const tables = (v: TomlValue | undefined): TomlTable[] =>
  Array.isArray(v) ? v.map(table).filter((x): x is TomlTable => x !== undefined) : [];
const str = (v: TomlValue | undefined): string | undefined => (typeof v === "string" && v ? v : undefined);

/**
 * Poetry < 1.5 writes `category = "dev"`; later versions write `groups = [...]`, where a
 * package outside the "main" group is installed only for development.
 */
export function parsePoetryLock(text: string): Locked[] {
  const out: Locked[] = [];
  for (const p of tables(parseToml(text)["package"])) {
    const name = str(p["name"]);
    const version = str(p["version"]);
    if (!name || !version) continue;
    const groups = Array.isArray(p["groups"]) ? p["groups"].filter((g): g is string => typeof g === "string") : undefined;
    const dev = p["category"] === "dev" || (groups !== undefined && groups.length > 0 && !groups.includes("main"));
    const sourceType = str(table(p["source"])?.["type"]);
    out.push({ name, version, dev, ...(sourceType && sourceType !== "legacy" ? { sourceType } : {}) });
  }
  return out;
}

const depNames = (v: TomlValue | undefined): string[] => tables(v).flatMap((d) => str(d["name"]) ?? []);

/**
 * uv.lock. The project itself (and workspace members) are `virtual` or `editable` sources:
 * they are what is being scanned, not dependencies. A package is dev when it is reachable
 * only from the projects' dev-dependency groups.
 */
export function parseUvLock(text: string): Locked[] {
  const pkgs = tables(parseToml(text)["package"]);
  const isProject = (p: TomlTable): boolean => {
    const src = table(p["source"]);
    return src !== undefined && (src["virtual"] !== undefined || src["editable"] !== undefined);
  };
  // Edges by name: a package's dependencies plus every extra it offers (an over-approximation
  // that can only make a package count as non-dev).
  const edges = new Map<string, string[]>();
  for (const p of pkgs) {
    const name = str(p["name"]);
    if (!name) continue;
    const next = depNames(p["dependencies"]);
    for (const extra of Object.values(table(p["optional-dependencies"]) ?? {})) next.push(...depNames(extra));
    edges.set(name, [...(edges.get(name) ?? []), ...next]);
  }
  const reach = (starts: string[]): Set<string> => {
    const seen = new Set<string>();
    const todo = [...starts];
    while (todo.length) {
      const n = todo.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      todo.push(...(edges.get(n) ?? []));
    }
    return seen;
  };
  const projects = pkgs.filter(isProject);
  const devStarts = projects.flatMap((p) => Object.values(table(p["dev-dependencies"]) ?? {}).flatMap(depNames));
  const prod = reach(projects.flatMap((p) => edges.get(str(p["name"]) ?? "") ?? []));
  const devOnly = devStarts.length ? reach(devStarts) : new Set<string>();

  const out: Locked[] = [];
  for (const p of pkgs) {
    const name = str(p["name"]);
    const version = str(p["version"]);
    if (!name || !version || isProject(p)) continue;
    const src = table(p["source"]) ?? {};
    const sourceType = ["git", "url", "path", "directory"].find((k) => src[k] !== undefined);
    out.push({ name, version, dev: devOnly.has(name) && !prod.has(name), ...(sourceType ? { sourceType } : {}) });
  }
  return out;
}
