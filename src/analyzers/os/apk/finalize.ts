// After squashing: merge duplicates, build purls, sort.
import type { OSInfo, Package } from "../../../model/index.js";
import { byNameVersionArch, distroPurl, mergeSamePackage } from "../../shared/os-package.js";
import type { FinalizeContext } from "../../types.js";

export function finalizeApk(packages: Package[], ctx: FinalizeContext): Package[] {
  // lib/apk/db/installed and usr/lib/apk/db/installed can both exist (apk-tools 3 moved it).
  const out = mergeSamePackage(packages);
  for (const pkg of out) pkg.purl = apkPurl(pkg, ctx.os);
  return out.sort(byNameVersionArch);
}

/**
 * `pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3`: the namespace is the
 * distribution (alpine, wolfi, chainguard…), the distro qualifier its full version, as Syft writes.
 */
export function apkPurl(pkg: Package, os: OSInfo | null): string {
  return distroPurl("apk", "alpine", pkg, os);
}
