// What to look up for one installed package: ecosystem, name and version to compare, and
// which affected[] entries count.
import { PackageURL } from "packageurl-js";
import type { OsvAffected, Package } from "../model/index.js";
import { ecosystemBase, normalizeName } from "../versioning/index.js";
import { binariesNamed } from "./advisory.js";
import { OS_PACKAGE_TYPES, languageEcosystem, skippedAsOsOwned, type OsEcosystem } from "./ecosystems.js";
import type { MatchOptions } from "./types.js";

export interface Lookup {
  /** Query base for AdvisorySource.query. */
  base: string;
  /** Name to query. */
  queryName: string;
  /** Version to evaluate. */
  version: string;
  /** Whether an affected entry is about this package in this ecosystem. */
  accepts(entry: OsvAffected): boolean;
  /** Set when the comparison is not on the package's own name and version (source package). */
  matchedBy?: { name: string; version: string };
}

/**
 * Kernel advisories are filed against the kernel source package (Debian/Ubuntu `linux`, RPM
 * `kernel`). Some binaries built from it hold only headers that userland compiles against
 * (linux-libc-dev, linux-headers-*, kernel-headers, kernel-devel): no kernel code runs from
 * them, least of all inside a container, which runs the host's kernel. So a match reached
 * through the source package is dropped for these binaries unless the advisory names the
 * binary itself (Ubuntu's `binaries` list, or an RPM record filed under that binary name).
 * linux-tools-* and linux-perf are *not* on the list: they ship userland programs (perf, bpftool)
 * built from the kernel tree, and CVEs in those programs do apply to them.
 */
const HEADER_ONLY = /^(linux-libc-dev|linux-headers-.+|kernel-headers|kernel-devel)$/;

export function isHeaderOnly(binaryName: string): boolean {
  return HEADER_ONLY.test(binaryName);
}

function osLookups(pkg: Package, eco: OsEcosystem): Lookup[] {
  const viaSource = (name: string, version: string): Lookup => {
    const own = name === pkg.name && version === pkg.version;
    const headerOnly = name !== pkg.name && isHeaderOnly(pkg.name);
    return {
      base: eco.base,
      queryName: name,
      version,
      accepts: (entry) =>
        entry.package?.name === name &&
        eco.matches(entry.package.ecosystem) &&
        (!headerOnly || binariesNamed(entry).has(pkg.name)),
      ...(own ? {} : { matchedBy: { name, version } }),
    };
  };
  const source = pkg.source?.name ? { name: pkg.source.name, version: pkg.source.version || pkg.version } : null;
  if (eco.bySource) return [source ? viaSource(source.name, source.version) : viaSource(pkg.name, pkg.version)];
  // RPM distributions file most advisories under binary names; some under the source RPM.
  const lookups = [viaSource(pkg.name, pkg.version)];
  if (source && source.name !== pkg.name) lookups.push(viaSource(source.name, source.version));
  return lookups;
}

/** Maven names are `group:artifact`; analyzers may keep the group only in the purl namespace. */
function languageName(pkg: Package): string {
  if (pkg.type !== "maven" || pkg.name.includes(":")) return pkg.name;
  try {
    const purl = PackageURL.fromString(pkg.purl);
    return purl.namespace ? `${purl.namespace}:${purl.name}` : pkg.name;
  } catch {
    return pkg.name;
  }
}

/**
 * Go records use bare semver (`1.22.4`) and `stdlib` for the standard library, whose version
 * toolchains print as `go1.22.4`; modules are written `v1.2.3`. Strip both prefixes.
 */
function languageVersion(pkg: Package, ecosystem: string): string {
  if (ecosystem !== "Go") return pkg.version;
  return pkg.version.replace(/^go(?=\d)/, "").replace(/^v(?=\d)/, "");
}

function languageLookup(pkg: Package, ecosystem: string): Lookup {
  const raw = languageName(pkg);
  const name = normalizeName(ecosystem, raw);
  const version = languageVersion(pkg, ecosystem);
  return {
    base: ecosystem,
    // The database keys names the same way (normalizeName), so one query covers every spelling.
    queryName: name,
    version,
    // `Packagist:https://packages.drupal.org/8`-style entries share the ecosystem's base.
    accepts: (entry) =>
      !!entry.package && ecosystemBase(entry.package.ecosystem) === ecosystem && normalizeName(ecosystem, entry.package.name) === name,
  };
}

/**
 * The lookups for a package: none when its ecosystem is not covered or it is skipped. `osEco` is
 * `osEcosystem(os, opts)` of the scanned OS, computed once by the caller.
 */
export function lookupsFor(pkg: Package, osEco: OsEcosystem | null, opts: MatchOptions): Lookup[] {
  if (OS_PACKAGE_TYPES.has(pkg.type)) return osEco ? osLookups(pkg, osEco) : [];
  const ecosystem = languageEcosystem(pkg);
  if (!ecosystem || skippedAsOsOwned(pkg, opts)) return [];
  return [languageLookup(pkg, ecosystem)];
}
