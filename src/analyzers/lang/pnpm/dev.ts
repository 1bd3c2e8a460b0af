// Lockfile v9 dropped the per-package `dev` flag; it follows from the graph instead: packages
// reachable only from importers' devDependencies (through `snapshots`) are dev-only.
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** Keys of `packages` that only development dependencies lead to; null without snapshots. */
export function devOnlyV9(root: Obj): Set<string> | null {
  const snapshots = root.snapshots;
  if (!isObj(snapshots) || !isObj(root.importers)) return null;
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  for (const importer of Object.values(root.importers)) {
    if (!isObj(importer)) continue;
    for (const group of ["dependencies", "optionalDependencies", "devDependencies"] as const) {
      const deps = importer[group];
      if (!isObj(deps)) continue;
      for (const [name, spec] of Object.entries(deps)) {
        const version = isObj(spec) ? spec.version : spec;
        const key = typeof version === "string" ? snapshotKey(snapshots, name, version) : null;
        if (key) (group === "devDependencies" ? devRoots : prodRoots).push(key);
      }
    }
  }
  const prod = reach(snapshots, prodRoots);
  const dev = reach(snapshots, devRoots);
  const out = new Set<string>();
  for (const key of dev) if (!prod.has(key)) out.add(key);
  // A package is dev-only when every peer variant of it is.
  for (const key of prod) out.delete(key);
  return out;
}

/** `packages` key (peer suffix removed) of every snapshot reachable from the roots. */
function reach(snapshots: Obj, roots: string[]): Set<string> {
  const visited = new Set<string>();
  const packages = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const key = stack.pop()!;
    if (visited.has(key)) continue;
    visited.add(key);
    packages.add(stripPeers(key));
    const snap = snapshots[key];
    if (!isObj(snap)) continue;
    for (const group of ["dependencies", "optionalDependencies"]) {
      const deps = snap[group];
      if (!isObj(deps)) continue;
      for (const [name, version] of Object.entries(deps)) {
        const next = typeof version === "string" ? snapshotKey(snapshots, name, version) : null;
        if (next && !visited.has(next)) stack.push(next);
      }
    }
  }
  return packages;
}

/** `name@version` normally; an alias writes the real `other@version` as the version. */
function snapshotKey(snapshots: Obj, name: string, version: string): string | null {
  if (version.startsWith("link:")) return null;
  const plain = `${name}@${version}`;
  if (plain in snapshots) return plain;
  return version in snapshots ? version : null;
}

const stripPeers = (key: string): string => {
  const i = key.indexOf("(");
  return i === -1 ? key : key.slice(0, i);
};
