// Exact version semantics per OSV ecosystem: comparison, name keys, and the one
// shared evaluator of OSV `affected[]` entries.
//
// Ecosystem strings may carry a release suffix ("Debian:12", "Ubuntu:22.04:LTS",
// "Red Hat:enterprise_linux:9::appstream"); only the part before the first ":"
// picks the comparator.
import { BulwarkError } from "../errors.js";
import type { OsvAffected } from "../model/osv.js";
import { evaluateWith, type AffectedResult } from "./affected.js";
import { apk } from "./apk/index.js";
import { cran } from "./cran/index.js";
import { dpkg } from "./dpkg/index.js";
import { go } from "./go/index.js";
import { hackage } from "./hackage/index.js";
import { maven } from "./maven/index.js";
import { nuget } from "./nuget/index.js";
import { packagist } from "./packagist/index.js";
import { pub } from "./pub/index.js";
import { pypi } from "./pypi/index.js";
import { rpm } from "./rpm/index.js";
import { rubygems } from "./rubygems/index.js";
import { semver } from "./semver/index.js";
import type { Cmp, VersionComparator } from "./types.js";

export type { Cmp, VersionComparator } from "./types.js";
export { InvalidVersionError } from "./types.js";
export type { AffectedResult } from "./affected.js";

/** OSV ecosystem name -> comparator family. One explicit list; nothing is guessed. */
const ECOSYSTEMS: Record<string, VersionComparator> = {
  Debian: dpkg,
  Ubuntu: dpkg,
  Alpine: apk,
  Wolfi: apk,
  Chainguard: apk,
  "Red Hat": rpm,
  "Rocky Linux": rpm,
  AlmaLinux: rpm,
  SUSE: rpm,
  openSUSE: rpm,
  Mageia: rpm,
  "Photon OS": rpm,
  "Azure Linux": rpm,
  openEuler: rpm,
  npm: semver,
  "crates.io": semver,
  Hex: semver,
  SwiftURL: semver,
  PyPI: pypi,
  Go: go,
  Maven: maven,
  RubyGems: rubygems,
  Packagist: packagist,
  NuGet: nuget,
  Pub: pub,
  CRAN: cran,
  Hackage: hackage,
};

const COMPARATORS = new Map<string, VersionComparator>(Object.entries(ECOSYSTEMS).map(([name, c]) => [name, { ...c, ecosystem: name }]));
// Case slips ("pypi", "debian") are forgiven; the names are otherwise exact.
const BY_LOWER_CASE = new Map([...COMPARATORS].map(([name, c]) => [name.toLowerCase(), c]));

export const KNOWN_ECOSYSTEMS: readonly string[] = [...COMPARATORS.keys()];

/** SemVer 2.0 ordering, used for every range of type SEMVER whatever the ecosystem. */
const SEMVER_RANGES: VersionComparator = { ...semver, ecosystem: "SEMVER" };

/** `Debian:12` → `Debian`, `Ubuntu:22.04:LTS` → `Ubuntu`, `Red Hat:...` → `Red Hat`: the ecosystem without its release suffix. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(":");
  return colon === -1 ? ecosystem : ecosystem.slice(0, colon);
}

export function getComparator(ecosystem: string): VersionComparator | undefined {
  const base = ecosystemBase(ecosystem).trim();
  return COMPARATORS.get(base) ?? BY_LOWER_CASE.get(base.toLowerCase());
}

function unknownEcosystem(ecosystem: string): never {
  throw new BulwarkError(
    "UNSUPPORTED",
    `no version ordering for ecosystem ${JSON.stringify(ecosystem)}; known ecosystems: ${KNOWN_ECOSYSTEMS.join(", ")}`,
  );
}

/** Orders two versions of `ecosystem`. Throws for an unknown ecosystem and for versions the ecosystem cannot order. */
export function compareVersions(ecosystem: string, a: string, b: string): Cmp {
  return (getComparator(ecosystem) ?? unknownEcosystem(ecosystem)).compare(a, b);
}

// Name keys. Ecosystems not listed keep the name as-is, because their names are
// case-sensitive or already canonical: npm (lower-case by rule, scopes included),
// Maven ("group:artifact", case-sensitive), Go module paths, RubyGems, Hex, Pub,
// CRAN, Hackage, and the distributions' package names (Debian/Ubuntu source
// packages, Alpine, RPM). Unknown ecosystems keep the name as-is too.
const NAME_KEYS: Record<string, (name: string) => string> = {
  // PEP 503: case-insensitive, and runs of "-", "_", "." are the same.
  PyPI: (n) => n.toLowerCase().replace(/[-_.]+/g, "-"),
  // crates.io looks crates up case-insensitively and treats "-" and "_" alike.
  "crates.io": (n) => n.toLowerCase().replaceAll("_", "-"),
  // NuGet package ids are case-insensitive.
  NuGet: (n) => n.toLowerCase(),
  // Composer names ("vendor/package") are case-insensitive; Packagist stores them lower-case.
  Packagist: (n) => n.toLowerCase(),
};

/** The key a package name is matched under in `ecosystem`. */
export function normalizeName(ecosystem: string, name: string): string {
  const key = NAME_KEYS[getComparator(ecosystem)?.ecosystem ?? ""];
  return key ? key(name) : name;
}

/**
 * Evaluates one OSV `affected[]` entry for an installed version (OSV "Evaluation":
 * `versions` list, then ECOSYSTEM and SEMVER ranges; GIT ranges are ignored).
 * `ecosystem` defaults to the entry's package ecosystem. Unparsable versions never
 * throw (see affected.ts); an ECOSYSTEM range in an unknown ecosystem does.
 */
export function evaluateAffected(version: string, affected: OsvAffected, ecosystem?: string): AffectedResult {
  const eco = ecosystem ?? affected.package?.ecosystem;
  return evaluateWith(version, affected, {
    ecosystem: eco === undefined ? undefined : getComparator(eco),
    semver: SEMVER_RANGES,
    missing: () => unknownEcosystem(eco ?? "(none)"),
  });
}
