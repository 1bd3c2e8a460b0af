// After squashing: merge duplicates, build purls, sort.
import { PackageURL } from "packageurl-js";
import type { OSInfo, Package } from "../../../model/index.js";
import type { FinalizeContext } from "../../types.js";

export function finalizeApk(packages: Package[], ctx: FinalizeContext): Package[] {
  // lib/apk/db/installed and usr/lib/apk/db/installed can both exist (apk-tools 3 moved it).
  const merged = new Map<string, Package>();
  for (const pkg of packages) {
    const key = `${pkg.name}\u0000${pkg.arch ?? ""}\u0000${pkg.version}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...pkg, locations: [...pkg.locations] });
      continue;
    }
    for (const loc of pkg.locations) {
      if (!seen.locations.some((l) => l.path === loc.path)) seen.locations.push(loc);
    }
  }
  const out = [...merged.values()];
  for (const pkg of out) pkg.purl = apkPurl(pkg, ctx.os);
  return out.sort(comparePackages);
}

/**
 * `pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3`: the namespace is the
 * distribution (alpine, wolfi, chainguard…), the distro qualifier its full version, as Syft writes.
 */
export function apkPurl(pkg: Package, os: OSInfo | null): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  if (os?.family && os.version) qualifiers.distro = `${os.family}-${os.version}`;
  try {
    return new PackageURL("apk", os?.family || "alpine", pkg.name, pkg.version, qualifiers, undefined).toString();
  } catch {
    return ""; // a name the purl spec rejects: better no purl than a failed scan
  }
}

function comparePackages(a: Package, b: Package): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? "", b.arch ?? "");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
