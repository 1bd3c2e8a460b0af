// After squashing: merge duplicates, attach owned files, build purls, sort.
import type { OSInfo, Package } from "../../../model/index.js";
import { byNameVersionArch, distroPurl, mergeSamePackage } from "../../shared/os-package.js";
import type { FinalizeContext } from "../../types.js";

export function finalizeDpkg(packages: Package[], ctx: FinalizeContext): Package[] {
  // The same package can be listed by both status and status.d; one entry, every location.
  const out = mergeSamePackage(packages);
  for (const pkg of out) {
    // Multi-Arch: same packages own `name:arch.list`, the others `name.list`.
    const files = (pkg.arch ? ctx.owners.get(`${pkg.name}:${pkg.arch}`) : undefined) ?? ctx.owners.get(pkg.name);
    if (files) pkg.files = [...files];
    // Copyright files live under the package name (Multi-Arch packages share one directory).
    const licenses = ctx.licenses?.get(pkg.name);
    if (licenses && pkg.licenses.length === 0) pkg.licenses = [...licenses];
    pkg.purl = debPurl(pkg, ctx.os);
  }
  return out.sort(byNameVersionArch);
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
  return distroPurl("deb", "debian", pkg, os);
}
