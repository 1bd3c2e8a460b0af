// Squashes per-layer analyses into the final image view (OCI whiteout rules), then turns the
// surviving file results into an OS and a package list, each package tagged with its layer.
import { combineOS, type FoundOS } from "../analyzers/os/os-release/index.js";
import type { Analyzer, FileAnalysis } from "../analyzers/types.js";
import { isUnder } from "../common/paths.js";
import type { LayerRef, OSInfo, Package, ReportError, SecretFinding } from "../model/index.js";
import type { LayerAnalysis } from "./layer.js";

export interface LayerInput {
  ref?: LayerRef;
  analysis: LayerAnalysis;
}

interface Surviving {
  path: string;
  analyzer: string;
  result: FileAnalysis;
  /** Layer index where each package of this file first appeared in an unbroken run. */
  starts: Map<string, number>;
}

const pkgKey = (p: Package): string => `${p.type}\0${p.name}\0${p.version}\0${p.arch ?? ""}`;

export function squash(layers: LayerInput[]): Map<string, Surviving> {
  const live = new Map<string, Surviving>();
  const drop = (pred: (path: string) => boolean): void => {
    for (const [k, v] of live) if (pred(v.path)) live.delete(k);
  };
  layers.forEach(({ analysis: a }, i) => {
    // Whiteouts and opaque markers hide lower layers only, so apply them before this layer's files.
    for (const dir of a.opaqueDirs) drop((p) => p !== dir && isUnder(p, dir));
    for (const w of a.whiteouts) drop((p) => isUnder(p, w));
    if (a.shadowed.length) {
      const s = new Set(a.shadowed);
      drop((p) => s.has(p));
    }
    for (const f of a.files) {
      const key = `${f.analyzer}\0${f.path}`;
      const prev = live.get(key);
      const starts = new Map<string, number>();
      for (const p of f.result.packages ?? []) {
        const k = pkgKey(p);
        starts.set(k, prev?.starts.get(k) ?? i);
      }
      live.set(key, { path: f.path, analyzer: f.analyzer, result: f.result, starts });
    }
  });
  return live;
}

export interface Merged {
  os: OSInfo | null;
  packages: Package[];
  secrets: SecretFinding[];
  errors: ReportError[];
  /** OS package purl by file path (`/usr/bin/su`), from the packages' file lists. */
  fileOwners: Map<string, string>;
}

/**
 * Secrets from every layer, not just the final view: a file a later layer deletes still ships
 * inside the image. A secret seen again in a higher layer is reported once, at the lowest.
 */
export function collectSecrets(layers: LayerInput[], live: Set<string>): SecretFinding[] {
  const seen = new Set<string>();
  const out: SecretFinding[] = [];
  for (const { ref, analysis } of layers) {
    for (const f of analysis.files) {
      for (const s of f.result.secrets ?? []) {
        const key = `${s.ruleId}\0${s.path}\0${s.line ?? ""}\0${s.match}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const finding: SecretFinding = { ...s };
        if (ref) finding.layer = ref;
        if (!live.has(f.path)) finding.deleted = true;
        out.push(finding);
      }
    }
  }
  return out;
}

export function merge(layers: LayerInput[], analyzers: Analyzer[], now: Date): Merged {
  const live = [...squash(layers).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const secrets = collectSecrets(layers, new Set(live.map((s) => s.path)));
  const errors: ReportError[] = [];
  const found: FoundOS[] = [];
  for (const s of live) if (s.result.os) found.push({ path: s.path, os: s.result.os });
  const os = combineOS(found, now);

  const groups: Package[][] = [];
  for (const a of analyzers) {
    const mine = live.filter((s) => s.analyzer === a.id);
    const owners = new Map<string, string[]>();
    const licenses = new Map<string, string[]>();
    const pkgs: Package[] = [];
    for (const s of mine) {
      for (const o of s.result.owners ?? []) owners.set(o.package, o.files);
      for (const l of s.result.licenses ?? []) licenses.set(l.package, l.licenses);
      for (const msg of s.result.errors ?? []) errors.push({ source: a.id, message: msg, path: "/" + s.path });
      for (const p of s.result.packages ?? []) {
        const start = s.starts.get(pkgKey(p));
        const ref = start === undefined ? undefined : layers[start]?.ref;
        pkgs.push({ ...p, locations: p.locations.map((l) => (ref ? { ...l, layer: ref } : l)) });
      }
    }
    if (pkgs.length === 0) continue;
    let done = pkgs;
    try {
      if (a.finalize) done = a.finalize(pkgs, { os, owners, licenses });
    } catch (e) {
      errors.push({ source: a.id, message: `finalize failed: ${(e as Error).message}` });
    }
    for (const p of done) p.evidence = a.evidence;
    groups.push(done);
  }
  const packages = mergeAcrossAnalyzers(groups);
  const owners = fileOwners(packages);
  return { os, packages: markOwned(packages, owners), secrets, errors, fileOwners: owners };
}

const OS_TYPES = new Set(["deb", "rpm", "apk"]);

/**
 * The same package seen by two analyzers (a lockfile and node_modules, say) is one package with
 * every location. Copies found by one analyzer at different places stay separate entries.
 */
export function mergeAcrossAnalyzers(groups: Package[][]): Package[] {
  const first = new Map<string, { pkg: Package; group: number }>();
  const out: Package[] = [];
  groups.forEach((packages, group) => {
    for (const p of packages) {
      const key = `${p.type}\0${p.name}\0${p.version}`;
      const seen = first.get(key);
      if (seen && seen.group !== group && !OS_TYPES.has(p.type)) {
        for (const l of p.locations) if (!seen.pkg.locations.some((x) => x.path === l.path)) seen.pkg.locations.push(l);
        if (seen.pkg.licenses.length === 0 && p.licenses.length) seen.pkg.licenses = [...p.licenses];
        // Dev only if every source says so; installed if any source saw it installed.
        if (seen.pkg.dev && !p.dev) delete seen.pkg.dev;
        if (p.evidence === "installed") seen.pkg.evidence = "installed";
        continue;
      }
      if (!seen) first.set(key, { pkg: p, group });
      out.push(p);
    }
  });
  return out;
}

/**
 * Language packages whose files belong to an OS package (Debian's python3-*, default gems, jars
 * in /usr/share/java, modules in /usr/share/nodejs) are marked with that package's purl: they stay
 * in the inventory, and the matcher leaves them to the OS package's advisories.
 */
export function markOwned(packages: Package[], owner: Map<string, string>): Package[] {
  if (owner.size === 0) return packages;
  for (const p of packages) {
    if (OS_TYPES.has(p.type)) continue;
    for (const l of p.locations) {
      // `outer.jar!/inner.jar`: the file on disk is the outer archive.
      const onDisk = l.path.split("!/")[0]!;
      const o = owner.get(onDisk) ?? ownerOfDistInfo(onDisk, owner);
      if (o) {
        p.ownedBy = o;
        break;
      }
    }
  }
  return packages;
}

/** OS package purl by file path, as the package manager's file list writes it (`/usr/bin/su`). */
function fileOwners(packages: Package[]): Map<string, string> {
  const owner = new Map<string, string>();
  for (const p of packages) {
    if (!OS_TYPES.has(p.type) || !p.files) continue;
    for (const f of p.files) owner.set(f, p.purl);
  }
  return owner;
}

// dpkg lists a Python distribution's directory and files; METADATA itself may be missing from
// older .list files, so the directory entry counts too.
function ownerOfDistInfo(path: string, owner: Map<string, string>): string | undefined {
  const m = /^(.*\.(?:dist-info|egg-info))\/[^/]+$/.exec(path);
  return m ? owner.get(m[1]!) : undefined;
}
