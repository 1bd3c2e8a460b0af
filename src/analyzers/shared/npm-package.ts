// Package records for the JavaScript analyzers (node_modules, package-lock, yarn, pnpm): one
// way to build, de-duplicate, purl and sort npm packages, so all four report alike.
import type { Package } from "../../model/index.js";
import { byNameVersionPath, purlOrEmpty } from "./finalize.js";

/** An npm package found in `path` (relative, no leading slash); purl is filled by finalize. */
export function npmPackage(name: string, version: string, path: string, extra: Partial<Package> = {}): Package {
  return { type: "npm", name, version, purl: "", source: null, licenses: [], locations: [{ path: "/" + path }], ...extra };
}

/** `pkg:npm/%40scope/name@1.2.3`; "" for a name the purl spec rejects. */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  const namespace = slash > 0 ? name.slice(0, slash) : undefined;
  const base = slash > 0 ? name.slice(slash + 1) : name;
  return purlOrEmpty("npm", namespace, base, version || undefined);
}

/**
 * Licenses as package.json and lockfiles write them: an SPDX string, a `{type}` object, or the
 * legacy `licenses: [{type, url}]` / `["MIT"]` arrays. Anything else is ignored.
 */
export function npmLicenses(...values: unknown[]): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === "string") {
      const s = v.trim();
      if (s && s.length <= 512 && !out.includes(s)) out.push(s);
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      add((v as { type?: unknown }).type);
    }
  };
  for (const v of values) {
    if (Array.isArray(v)) for (const item of v.slice(0, 32)) add(item);
    else add(v);
  }
  return out;
}

/**
 * Adds a package to a per-file map keyed by name and version: a lockfile may list the same
 * package many times (nested copies). It is dev only if every copy is.
 */
export function addUnique(seen: Map<string, Package>, pkg: Package): void {
  const key = `${pkg.name}\u0000${pkg.version}`;
  const prev = seen.get(key);
  if (!prev) {
    seen.set(key, pkg);
    return;
  }
  if (prev.dev && !pkg.dev) delete prev.dev;
  if (prev.licenses.length === 0 && pkg.licenses.length) prev.licenses = pkg.licenses;
}

/** Finalize for npm analyzers: purls, one entry per (name, version, location), stable order. */
export function finalizeNpm(packages: Package[]): Package[] {
  const merged = new Map<string, Package>();
  for (const p of packages) {
    const key = `${p.name}\u0000${p.version}\u0000${p.locations[0]?.path ?? ""}`;
    const prev = merged.get(key);
    if (prev) {
      if (prev.dev && !p.dev) delete prev.dev;
      continue;
    }
    merged.set(key, p);
    p.purl = npmPurl(p.name, p.version);
  }
  return [...merged.values()].sort(byNameVersionPath);
}
