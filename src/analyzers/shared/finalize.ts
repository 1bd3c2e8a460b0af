// The usual last step of a language analyzer: a purl per package, then a stable order.
import { PackageURL } from "packageurl-js";
import type { Package } from "../types.js";

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A purl, or "" for a name the purl spec rejects: better no purl than a failed scan. */
export function purlOrEmpty(type: string, namespace: string | undefined, name: string, version: string | undefined): string {
  try {
    return new PackageURL(type, namespace, name, version, undefined, undefined).toString();
  } catch {
    return "";
  }
}

export function byNameVersionPath(a: Package, b: Package): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.locations[0]?.path ?? "", b.locations[0]?.path ?? "");
}

/** finalize() for ecosystems whose purl is `pkg:<type>/<name>@<version>` (name optionally normalised). */
export function finalizeWithPurl(type: string, purlName: (name: string) => string = (n) => n): (packages: Package[]) => Package[] {
  return (packages) => {
    for (const p of packages) p.purl = purlOrEmpty(type, undefined, purlName(p.name), p.version);
    return packages.sort(byNameVersionPath);
  };
}
