// The distribution-specific release files that predate or accompany os-release.
import type { OSInfo } from "../../../model/index.js";
import { parseKeyValues } from "./parse.js";

export const OS_RELEASE_PATHS = ["etc/os-release", "usr/lib/os-release"] as const;

/**
 * Specific release files, most telling first: when no os-release exists, the first one present
 * wins. lsb-release comes before debian_version because Ubuntu ships both (its debian_version
 * reads `bookworm/sid`), and system-release before redhat-release because Oracle Linux's
 * redhat-release claims to be Red Hat.
 */
export const RELEASE_FILE_PATHS = [
  "etc/lsb-release",
  "etc/rocky-release",
  "etc/almalinux-release",
  "etc/centos-release",
  "etc/fedora-release",
  "etc/system-release",
  "etc/redhat-release",
  "etc/SuSE-release",
  "etc/alpine-release",
  "etc/debian_version",
] as const;

/** Reads one specific release file; null when its content is not recognised. */
export function parseReleaseFile(path: string, text: string): OSInfo | null {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
  switch (path) {
    case "etc/alpine-release":
      return /^\d+\.\d+[\w.+-]*$/.test(firstLine) ? { family: "alpine", version: firstLine } : null;
    case "etc/debian_version":
      return parseDebianVersion(firstLine);
    case "etc/lsb-release":
      return parseLsbRelease(text);
    case "etc/SuSE-release":
      return parseSuseRelease(text, firstLine);
    default:
      return parseRedHatStyle(firstLine);
  }
}

/** `12.7` → Debian 12 (OSV and purls use the major release); `trixie/sid` → trixie. */
function parseDebianVersion(line: string): OSInfo | null {
  const numeric = /^(\d+)(?:\.\d+)*$/.exec(line);
  if (numeric) return { family: "debian", version: numeric[1]! };
  const testing = /^([a-z]+)\/sid$/.exec(line);
  if (testing) return { family: "debian", version: testing[1]!, codename: testing[1]! };
  return null;
}

function parseLsbRelease(text: string): OSInfo | null {
  const kv = parseKeyValues(text);
  const id = kv.get("DISTRIB_ID")?.trim();
  if (!id) return null;
  const os: OSInfo = { family: id.toLowerCase(), version: kv.get("DISTRIB_RELEASE")?.trim() ?? "", name: id };
  const codename = kv.get("DISTRIB_CODENAME")?.trim();
  const description = kv.get("DISTRIB_DESCRIPTION")?.trim();
  if (codename) os.codename = codename;
  if (description) os.prettyName = description;
  return os;
}

/**
 * SuSE-release: a title line, then `VERSION = 12` / `PATCHLEVEL = 3` lines. The version is written
 * the way SLES os-release writes VERSION_ID (`12.3`, or `12` for the initial release).
 */
function parseSuseRelease(text: string, title: string): OSInfo | null {
  const kv = parseKeyValues(text);
  const major = kv.get("VERSION")?.trim();
  if (!major) return null;
  const patch = kv.get("PATCHLEVEL")?.trim();
  const version = patch && patch !== "0" ? `${major}.${patch}` : major;
  const name = title.replace(/\s*\([^)]*\)\s*$/, "");
  let family: string;
  if (/^SUSE Linux Enterprise Desktop/i.test(title)) family = "sled";
  else if (/^SUSE Linux Enterprise/i.test(title)) family = "sles";
  else if (/^openSUSE/i.test(title)) family = Number.parseFloat(major) >= 42 ? "opensuse-leap" : "opensuse";
  else return null;
  const os: OSInfo = { family, version, name, prettyName: title };
  const codename = kv.get("CODENAME")?.trim();
  if (codename) os.codename = codename;
  return os;
}

const RED_HAT_STYLE: [RegExp, string][] = [
  [/^Red Hat Enterprise Linux/i, "rhel"],
  [/^CentOS/i, "centos"],
  [/^Rocky Linux/i, "rocky"],
  [/^AlmaLinux/i, "almalinux"],
  [/^Fedora/i, "fedora"],
  [/^Oracle Linux/i, "ol"],
  [/^Amazon Linux/i, "amzn"],
];

/** `CentOS Linux release 7.9.2009 (Core)`, `Amazon Linux release 2 (Karoo)`, `Fedora release 40 (Forty)`… */
function parseRedHatStyle(line: string): OSInfo | null {
  const m = /^(.+?)\s+release\s+(\d[\w.]*)/i.exec(line);
  if (!m) return null;
  const name = m[1]!;
  const family = RED_HAT_STYLE.find(([re]) => re.test(name))?.[1];
  if (!family) return null;
  let version = m[2]!;
  // AL2023 writes `2023.5.20240805` here but `2023` in os-release and in advisories.
  if (family === "amzn") version = version.replace(/^(20\d\d)\.\d+\.\d+.*$/, "$1");
  return { family, version, name, prettyName: line };
}
