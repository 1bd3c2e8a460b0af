// Package databases changed after the container started ("something was installed"): the
// image's copy and the live copy of the same database are both read with the scanner's own OS
// package analyzers, and the package lists compared.
import { analyzers, type Analyzer, type Package } from "../index.js";

const PACKAGE_DB_ANALYZERS = new Set(["os/dpkg", "os/apk", "os/rpm"]);

function dbAnalyzers(): Analyzer[] {
  return analyzers.filter((a) => PACKAGE_DB_ANALYZERS.has(a.id));
}

/**
 * Is `path` (relative, no leading slash) a package database: a file one of the OS package
 * analyzers reads for packages (not dpkg's per-package file lists or copyright files).
 */
export function isPackageDatabase(path: string): boolean {
  if (path.startsWith("var/lib/dpkg/info/") || path.startsWith("usr/share/doc/")) return false;
  return dbAnalyzers().some((a) => a.required(path));
}

export interface PackageRef {
  name: string;
  version: string;
  arch?: string;
}

export interface PackageDbChange {
  /** Path of the database in the container, with a leading slash. */
  path: string;
  analyzer: string;
  /** "modified", "added" (a database the image did not have), "deleted". */
  change: "added" | "modified" | "deleted";
  added: PackageRef[];
  removed: PackageRef[];
  /** Same name (and arch), other version. */
  changed: { name: string; arch?: string; from: string; to: string }[];
  errors?: string[];
}

async function readPackages(path: string, content: Buffer | undefined): Promise<{ analyzer: string; packages: Package[]; errors: string[] }> {
  const a = dbAnalyzers().find((x) => x.required(path));
  if (!a || !content) return { analyzer: a?.id ?? "unknown", packages: [], errors: [] };
  try {
    const r = await a.analyze({ path, content, mode: 0o644, size: content.length });
    return { analyzer: a.id, packages: r?.packages ?? [], errors: r?.errors ?? [] };
  } catch (e) {
    return { analyzer: a.id, packages: [], errors: [e instanceof Error ? e.message : String(e)] };
  }
}

const keyOf = (p: Package): string => `${p.name}\0${p.arch ?? ""}`;
const ref = (p: Package): PackageRef => ({ name: p.name, version: p.version, ...(p.arch ? { arch: p.arch } : {}) });

/** Compares the packages of a database as the image has it and as the container has it now. */
export async function diffPackageDatabase(path: string, before: Buffer | undefined, after: Buffer | undefined): Promise<PackageDbChange> {
  const b = await readPackages(path, before);
  const a = await readPackages(path, after);
  const old = new Map(b.packages.map((p) => [keyOf(p), p]));
  const now = new Map(a.packages.map((p) => [keyOf(p), p]));
  const added: PackageRef[] = [];
  const removed: PackageRef[] = [];
  const changed: PackageDbChange["changed"] = [];
  for (const [k, p] of now) {
    const o = old.get(k);
    if (!o) added.push(ref(p));
    else if (o.version !== p.version) changed.push({ name: p.name, ...(p.arch ? { arch: p.arch } : {}), from: o.version, to: p.version });
  }
  for (const [k, p] of old) if (!now.has(k)) removed.push(ref(p));
  const byName = (x: { name: string }, y: { name: string }): number => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  const errors = [...b.errors.map((e) => `image: ${e}`), ...a.errors.map((e) => `container: ${e}`)];
  return {
    path: "/" + path,
    analyzer: a.analyzer !== "unknown" ? a.analyzer : b.analyzer,
    change: before === undefined ? "added" : after === undefined ? "deleted" : "modified",
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort(byName),
    ...(errors.length ? { errors } : {}),
  };
}
