// Small, realistic root-filesystem files for building test images.
export const DEBIAN_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

export const ALPINE_OS_RELEASE = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20"
`;

export interface DebPkg {
  name: string;
  version: string;
  arch?: string;
  source?: string;
}

export function dpkgStatus(pkgs: DebPkg[]): string {
  return pkgs
    .map(
      (p) =>
        `Package: ${p.name}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 100\n` +
        `Maintainer: Debian <debian@example.org>\nArchitecture: ${p.arch ?? "amd64"}\n` +
        (p.source ? `Source: ${p.source}\n` : "") +
        `Version: ${p.version}\nDescription: ${p.name} package\n test package\n`,
    )
    .join("\n");
}

export const BASE_PKGS: DebPkg[] = [
  { name: "zlib1g", version: "1:1.2.13.dfsg-1", source: "zlib" },
  { name: "libc6", version: "2.36-9+deb12u7", source: "glibc" },
  { name: "bash", version: "5.2.15-2+b7" },
];

export function apkInstalled(pkgs: { name: string; version: string; origin?: string; files?: string[] }[]): string {
  return pkgs
    .map(
      (p) =>
        `C:Q1abc=\nP:${p.name}\nV:${p.version}\nA:x86_64\nS:1000\nI:2000\nT:${p.name}\nU:https://example.org\nL:MIT\no:${p.origin ?? p.name}\nm:Maintainer <m@example.org>\nt:1700000000\nc:abcdef\n` +
        (p.files ?? []).map((f) => f).join("\n") +
        (p.files?.length ? "\n" : ""),
    )
    .join("\n");
}

/** An os-release of Debian `version` (`codename`). */
export const debianOsRelease = (version: string, codename: string): string =>
  `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\nID=debian\n`;

/** An OSV record: `name` in `ecosystem` affected before `fixed`, CVSS 3.1 critical (9.8). */
export const criticalOsv = (id: string, ecosystem: string, name: string, fixed: string) => ({
  schema_version: "1.6.0", id, modified: "2020-01-01T00:00:00Z", published: "2020-01-01T00:00:00Z",
  severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
  affected: [{ package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
});
