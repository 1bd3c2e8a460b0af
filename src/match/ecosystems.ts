// Which OSV ecosystem an installed package is looked up in. The strings are the ones the
// advisory feeds write (checked against real records: DSA/DLA, ALPINE-CVE, USN, RHSA, RLSA, GHSA).
import type { OSInfo, Package } from "../model/index.js";
import type { MatchOptions } from "./types.js";

/** An OS release as advisories name it: the query base and a test for `affected[].package.ecosystem`. */
export interface OsEcosystem {
  /** OSV ecosystem before the first `:` (what AdvisorySource.query takes). */
  base: string;
  /** Human-readable form, e.g. `Debian:12`. */
  label: string;
  matches(ecosystem: string): boolean;
  /**
   * Debian, Ubuntu and Alpine (and Wolfi, Chainguard) file advisories against the source
   * package (`pkg:deb/debian/glibc?arch=source`, `pkg:apk/alpine/musl?arch=source`); RPM
   * distributions against binary packages.
   */
  bySource: boolean;
}

export const OS_PACKAGE_TYPES: ReadonlySet<string> = new Set(["deb", "apk", "rpm"]);

/** purl type → OSV ecosystem for language packages. */
export const LANGUAGE_ECOSYSTEMS: Readonly<Record<string, string>> = {
  npm: "npm",
  pypi: "PyPI",
  maven: "Maven",
  golang: "Go",
  gem: "RubyGems",
  cargo: "crates.io",
  composer: "Packagist",
  nuget: "NuGet",
};

function parts(version: string): string[] {
  return version.split(/[.\-_ ]/).filter((p) => /^\d+$/.test(p));
}

function exact(base: string, label: string, bySource: boolean): OsEcosystem {
  return { base, label, bySource, matches: (e) => e === label };
}

/**
 * The OSV ecosystem of an OS release, or null when advisories do not cover it (Fedora, Amazon
 * Linux, CentOS and unknown families are not in OSV under their own names).
 */
export function osEcosystem(os: OSInfo | null, opts: MatchOptions = {}): OsEcosystem | null {
  if (!os) return null;
  const family = os.family.toLowerCase();
  const [major, minor] = parts(os.version);
  switch (family) {
    case "debian":
      // `Debian:12`: the major release only, whatever the point release.
      return major ? exact("Debian", `Debian:${major}`, true) : null;
    case "ubuntu": {
      // `Ubuntu:22.04:LTS` or `Ubuntu:23.10`: which releases are LTS is whatever the records say.
      // The ESM stream `Ubuntu:Pro:22.04:LTS` needs a subscription, so it is opt-in: without
      // Pro the fix is not installable and the standard record tells the truth.
      if (!major || !minor) return null;
      const release = `${major}.${minor.padStart(2, "0")}`;
      const names = new Set([`Ubuntu:${release}`, `Ubuntu:${release}:LTS`]);
      if (opts.ubuntuPro) names.add(`Ubuntu:Pro:${release}:LTS`);
      return { base: "Ubuntu", label: `Ubuntu:${release}`, bySource: true, matches: (e) => names.has(e) };
    }
    case "alpine":
      return major && minor ? exact("Alpine", `Alpine:v${major}.${minor}`, true) : null;
    case "wolfi":
      return exact("Wolfi", "Wolfi", true);
    case "chainguard":
      return exact("Chainguard", "Chainguard", true);
    case "rocky":
      return major ? exact("Rocky Linux", `Rocky Linux:${major}`, false) : null;
    case "almalinux":
      return major ? exact("AlmaLinux", `AlmaLinux:${major}`, false) : null;
    case "rhel": {
      // `Red Hat:enterprise_linux:9::appstream`, `…:9::baseos`: every stream of the major
      // release; EUS/AUS/E4S streams (`Red Hat:rhel_eus:9.2::…`) are other products.
      if (!major) return null;
      const prefix = `Red Hat:enterprise_linux:${major}`;
      return {
        base: "Red Hat",
        label: prefix,
        bySource: false,
        matches: (e) => e === prefix || e.startsWith(`${prefix}::`),
      };
    }
    case "sles":
    case "sled":
    case "sles_sap": {
      // SUSE files packages under the product *or module* that ships them, with the support
      // phase as a suffix: `SUSE:Linux Enterprise Server 15 SP5`, `SUSE:Linux Enterprise Module
      // for Basesystem 15 SP5`, `SUSE:Linux Enterprise Server 15 SP5-LTSS`. os-release names
      // neither, so any SUSE product of the same version and service pack is accepted.
      if (!major) return null;
      const release = minor && minor !== "0" ? `${major} SP${minor}` : major;
      return {
        base: "SUSE",
        label: `SUSE:Linux Enterprise Server ${release}`,
        bySource: false,
        matches: (e) => e.startsWith("SUSE:") && (e.endsWith(` ${release}`) || e.endsWith(` ${release}-LTSS`)),
      };
    }
    case "opensuse-leap":
      return major && minor ? exact("openSUSE", `openSUSE:Leap ${major}.${minor}`, false) : null;
    case "opensuse-tumbleweed":
      return exact("openSUSE", "openSUSE:Tumbleweed", false);
    default:
      return null;
  }
}

/** The OSV ecosystem of a language package, or null for types OSV does not cover. */
export function languageEcosystem(pkg: Package): string | null {
  return LANGUAGE_ECOSYSTEMS[pkg.type] ?? null;
}

/** Whether a language package is skipped because an OS package owns it (see MatchOptions). */
export function skippedAsOsOwned(pkg: Package, opts: MatchOptions): boolean {
  return Boolean(pkg.ownedBy ?? pkg.metadata?.ownedBy) && !opts.matchOsOwned;
}
