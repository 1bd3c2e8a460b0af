// The usual last step of a language analyzer: a purl per package, then a stable order.
import { PackageURL } from "packageurl-js";
import type { Package } from "../types.js";

type NameMap = (name: string) => string;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const same: NameMap = (n) => n;

/** A purl, or "" for a name the purl spec rejects: better no purl than a failed scan. */
export function purlOrEmpty(type: string, namespace: string | undefined, name: string, version: string | undefined): string {
  try {
    return new PackageURL(type, namespace, name, version, undefined, undefined).toString();
  } catch {
    return "";
  }
}

/** Order by name (as `sortName` maps it: PEP 503, lowercase …), then version, then first location. */
function byNameVersionPathOf(sortName: NameMap): (a: Package, b: Package) => number {
  return (a, b) => cmp(sortName(a.name), sortName(b.name)) || cmp(a.version, b.version) || cmp(a.locations[0]?.path ?? "", b.locations[0]?.path ?? "");
}

export const byNameVersionPath = byNameVersionPathOf(same);

/** finalize(): `purl` for every package, then the stable order of `byNameVersionPathOf(sortName)`. */
export function finalizeWith(purl: (p: Package) => string, sortName: NameMap = same): (packages: Package[]) => Package[] {
  const order = byNameVersionPathOf(sortName);
  return (packages) => {
    for (const p of packages) p.purl = purl(p);
    return packages.sort(order);
  };
}

/**
 * finalize() for ecosystems whose purl is `pkg:<type>/<name>@<version>`; `purlName` normalises
 * the name in the purl, `sortName` the name the packages are ordered by.
 */
export function finalizeWithPurl(type: string, opts: { purlName?: NameMap; sortName?: NameMap } = {}): (packages: Package[]) => Package[] {
  const purlName = opts.purlName ?? same;
  return finalizeWith((p) => purlOrEmpty(type, undefined, purlName(p.name), p.version), opts.sortName);
}

/** NuGet (lang/dotnet, lang/nuget-lock): ids are case-insensitive, so they are ordered ignoring case. */
export const finalizeNuget = finalizeWithPurl("nuget", { sortName: (n) => n.toLowerCase() });
