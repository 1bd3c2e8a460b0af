// After squashing: merge duplicates, attach owned files, build purls, sort.
import { PackageURL } from "packageurl-js";
import type { OSInfo, Package } from "../../../model/index.js";
import type { FinalizeContext } from "../../types.js";

export function finalizeDpkg(packages: Package[], ctx: FinalizeContext): Package[] {
  const merged = new Map<string, Package>();
  for (const pkg of packages) {
    // The same package can be listed by both status and status.d; one entry, every location.
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
  for (const pkg of out) {
    // Multi-Arch: same packages own `name:arch.list`, the others `name.list`.
    const files = (pkg.arch ? ctx.owners.get(`${pkg.name}:${pkg.arch}`) : undefined) ?? ctx.owners.get(pkg.name);
    if (files) pkg.files = [...files];
    // Copyright files live under the package name (Multi-Arch packages share one directory).
    const licenses = ctx.licenses?.get(pkg.name);
    if (licenses && pkg.licenses.length === 0) pkg.licenses = [...licenses];
    pkg.purl = debPurl(pkg, ctx.os);
  }
  return out.sort(comparePackages);
}

/**
 * `pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12`.
 *
 * The epoch's `:` stays unencoded: the purl spec says the colon need not and must not be
 * percent-encoded, packageurl-js leaves it as is, and Syft and Trivy write `@1:1.2.13…` the same
 * way, so our purls compare equal to theirs. (`+` in names is encoded, `libstdc%2B%2B6`, also as
 * they do.)
 */
export function debPurl(pkg: Package, os: OSInfo | null): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  if (os?.family && os.version) qualifiers.distro = `${os.family}-${os.version}`;
  try {
    return new PackageURL("deb", os?.family || "debian", pkg.name, pkg.version, qualifiers, undefined).toString();
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
