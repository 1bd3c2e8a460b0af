// Matcher benchmark: 10,000 realistic installed packages (a Debian 12 base plus npm, PyPI,
// Maven, Go, RubyGems, Cargo, Composer and NuGet dependencies) against an advisory source.
// run.ts matches against the generated advisory database (vulndb.ts); running this file uses a
// synthetic in-memory source shaped like the real feeds instead.
import { pathToFileURL } from "node:url";
import { LANGUAGE_ECOSYSTEMS, matchPackages, type AdvisorySource } from "../src/match/index.js";
import type { OSInfo, OsvRecord, Package } from "../src/model/index.js";
import { normalizeName } from "../src/versioning/index.js";
import { rng } from "./rng.js";

const DEBIAN_12: OSInfo = { family: "debian", version: "12", codename: "bookworm" };

// Real Debian 12 source packages and some of their binaries, so most binaries share a source.
const DEBIAN_SOURCES: [string, string, string[]][] = [
  ["glibc", "2.36-9+deb12u7", ["libc6", "libc-bin", "libc-l10n", "locales", "libc6-dev", "libc-dev-bin"]],
  ["openssl", "3.0.13-1~deb12u1", ["libssl3", "openssl", "libssl-dev"]],
  ["systemd", "252.26-1~deb12u2", ["libsystemd0", "libudev1", "systemd", "udev"]],
  ["gcc-12", "12.2.0-14", ["libgcc-s1", "libstdc++6", "gcc-12-base", "libgomp1"]],
  ["util-linux", "2.38.1-5+deb12u1", ["util-linux", "mount", "libblkid1", "libmount1", "libuuid1", "libsmartcols1", "bsdutils", "libfdisk1"]],
  ["curl", "7.88.1-10+deb12u6", ["curl", "libcurl4", "libcurl3-gnutls"]],
  ["krb5", "1.20.1-2+deb12u1", ["libgssapi-krb5-2", "libk5crypto3", "libkrb5-3", "libkrb5support0"]],
  ["perl", "5.36.0-7+deb12u1", ["perl-base", "perl", "perl-modules-5.36", "libperl5.36"]],
  ["python3.11", "3.11.2-6", ["python3.11", "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib"]],
  ["linux", "6.1.94-1", ["linux-libc-dev", "linux-image-6.1.0-22-amd64"]],
  ["zlib", "1:1.2.13.dfsg-1", ["zlib1g", "zlib1g-dev"]],
  ["ncurses", "6.4-4", ["libncursesw6", "libtinfo6", "ncurses-base", "ncurses-bin"]],
];

const LANGUAGE = ["npm", "pypi", "maven", "golang", "gem", "cargo", "composer", "nuget"] as const;

function languagePackage(type: (typeof LANGUAGE)[number], i: number, r: () => number): Package {
  const v = `${1 + Math.floor(r() * 5)}.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`;
  const name = {
    npm: i % 5 === 0 ? `@scope${i % 40}/pkg-${i}` : `pkg-${i}`,
    pypi: `Py_Package.${i}`,
    maven: `org.example${i % 50}:artifact-${i}`,
    golang: `github.com/org${i % 60}/module-${i}`,
    gem: `gem-${i}`,
    cargo: `crate_${i}`,
    composer: `vendor${i % 30}/package-${i}`,
    nuget: `Company.Package${i}`,
  }[type];
  const version = type === "golang" ? `v${v}` : v;
  const purlName = type === "maven" ? name.replace(":", "/") : type === "npm" ? name.replace("@", "%40") : name;
  return {
    type,
    name,
    version,
    purl: `pkg:${type}/${purlName}@${version}`,
    source: null,
    licenses: ["MIT"],
    locations: [{ path: `/app/deps/${type}/${i}` }],
  };
}

/** `count` packages: a fifth Debian binaries (from 12 real sources), the rest language packages. */
export function generatePackages(count = 10_000, seed = 42): Package[] {
  const r = rng(seed);
  const out: Package[] = [];
  const debCount = Math.floor(count / 5);
  for (let i = 0; i < debCount; i++) {
    const [source, version, binaries] = DEBIAN_SOURCES[i % DEBIAN_SOURCES.length]!;
    const binary = binaries[Math.floor(i / DEBIAN_SOURCES.length) % binaries.length]!;
    const name = i < DEBIAN_SOURCES.length * binaries.length ? binary : `${binary}-extra${i}`;
    out.push({
      type: "deb",
      name,
      version,
      purl: `pkg:deb/debian/${encodeURIComponent(name)}@${version}?arch=amd64&distro=debian-12`,
      arch: "amd64",
      source: { name: source, version },
      licenses: [],
      locations: [{ path: "/var/lib/dpkg/status" }],
    });
  }
  for (let i = debCount; i < count; i++) out.push(languagePackage(LANGUAGE[i % LANGUAGE.length]!, i, r));
  return out;
}

/**
 * An in-memory source with a few advisories per Debian source package and one for every
 * `every`-th language package, in the shapes of the real feeds (DSA with `upstream`, GHSA with
 * aliases and a CVSS vector).
 */
export function syntheticSource(packages: readonly Package[], every = 7): AdvisorySource {
  const index = new Map<string, OsvRecord[]>();
  const add = (base: string, name: string, record: OsvRecord) => {
    const key = `${base}\u0000${name}`;
    index.set(key, [...(index.get(key) ?? []), record]);
  };
  DEBIAN_SOURCES.forEach(([source, version], s) => {
    for (let k = 0; k < 5; k++) {
      const cve = `CVE-2024-${10000 + s * 10 + k}`;
      add("Debian", source, {
        id: `DSA-${5000 + s * 10 + k}-1`,
        modified: "2024-06-01T00:00:00Z",
        upstream: [cve, `DEBIAN-CVE-${cve.slice(4)}`],
        summary: `${source} - security update`,
        affected: [
          ["Debian:11", "0"],
          ["Debian:12", k % 2 === 0 ? `${version}+fix1` : "0.1-1"],
        ].map(([ecosystem, fixed]) => ({
          package: { ecosystem: ecosystem as string, name: source },
          ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: fixed as string }] }],
        })),
      });
    }
  });
  packages.forEach((p, i) => {
    const ecosystem = LANGUAGE_ECOSYSTEMS[p.type];
    if (!ecosystem || i % every !== 0) return;
    // Keyed as the database keys names (the matcher queries `Py_Package.1` as `py-package-1`).
    add(ecosystem, normalizeName(ecosystem, p.name), {
      id: `GHSA-bench-${i}`,
      modified: "2024-06-01T00:00:00Z",
      aliases: [`CVE-2023-${20000 + i}`],
      summary: `Synthetic advisory for ${p.name}`,
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
      affected: [{ package: { ecosystem, name: p.name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "99.0.0" }] }] }],
    });
  });
  return { query: (base, name) => index.get(`${base}\u0000${name}`) ?? [] };
}

/** Times one matchPackages call. */
export function benchMatch(source: AdvisorySource, packages: Package[], os: OSInfo | null = DEBIAN_12): { ms: number; matches: number } {
  const t0 = performance.now();
  const vulns = matchPackages(packages, os, source, { now: new Date("2024-07-01T00:00:00Z") });
  return { ms: performance.now() - t0, matches: vulns.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const packages = generatePackages();
  const source = syntheticSource(packages);
  benchMatch(source, packages); // warm-up
  const result = benchMatch(source, packages);
  process.stdout.write(`${JSON.stringify({ packages: packages.length, ...result })}\n`);
}
