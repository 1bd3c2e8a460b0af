// Shared by the dpkg and apk analyzers: one entry per installed package, a distro purl, an order.
import { PackageURL } from "packageurl-js";
import type { OSInfo, Package } from "../types.js";

/**
 * The same package listed by two databases (dpkg status and status.d; apk's two `installed`
 * paths) is one package with every location.
 */
export function mergeSamePackage(packages: Package[]): Package[] {
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
  return [...merged.values()];
}

/** `pkg:<type>/<os family>/<name>@<version>?arch=…&distro=<family>-<version>`; "" if the spec rejects it. */
export function distroPurl(type: string, defaultNamespace: string, pkg: Package, os: OSInfo | null): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  if (os?.family && os.version) qualifiers.distro = `${os.family}-${os.version}`;
  try {
    return new PackageURL(type, os?.family || defaultNamespace, pkg.name, pkg.version, qualifiers, undefined).toString();
  } catch {
    return ""; // a name the purl spec rejects: better no purl than a failed scan
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function byNameVersionArch(a: Package, b: Package): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? "", b.arch ?? "");
}
