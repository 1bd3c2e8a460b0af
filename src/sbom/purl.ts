// purl → Package, accepting the conventions other tools write.
import { PackageURL } from "packageurl-js";
import type { OSInfo, Package } from "../model/index.js";

const DEBIAN_CODENAMES: Record<string, string> = {
  jessie: "8", stretch: "9", buster: "10", bullseye: "11", bookworm: "12", trixie: "13", forky: "14",
};
const UBUNTU_CODENAMES: Record<string, string> = {
  trusty: "14.04", xenial: "16.04", bionic: "18.04", focal: "20.04", jammy: "22.04", kinetic: "22.10",
  lunar: "23.04", mantic: "23.10", noble: "24.04", oracular: "24.10", plucky: "25.04", questing: "25.10",
};

/** `debian-12`, `debian-12.5`, `bookworm`, `ubuntu-22.04`, `jammy`, `alpine-3.20.3`, `rhel-9.2` → OS. */
export function osFromDistro(distro: string, namespace?: string): OSInfo | null {
  const d = distro.trim().toLowerCase();
  if (DEBIAN_CODENAMES[d]) return { family: "debian", version: DEBIAN_CODENAMES[d]!, codename: d };
  if (UBUNTU_CODENAMES[d]) return { family: "ubuntu", version: UBUNTU_CODENAMES[d]!, codename: d };
  const m = /^([a-z][a-z-]*?)-?(\d[\w.]*)$/.exec(d);
  if (m) {
    let version = m[2]!;
    const family = m[1] === "redhat" ? "rhel" : m[1]!;
    if (family === "debian") version = version.split(".")[0]!; // Debian releases are majors
    return { family, version };
  }
  // A bare codename of an unknown family: keep the namespace as the family.
  return namespace ? { family: namespace, version: d } : null;
}

export interface PurlPackage {
  pkg: Package;
  os: OSInfo | null;
}

export function packageFromPurl(purl: string): PurlPackage | null {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch {
    return null;
  }
  if (!p.version) return null;
  const q = (p.qualifiers ?? {}) as Record<string, string>;
  let version = p.version;
  // deb and rpm epochs: in the version (`1:1.2.13`) or as a qualifier (`epoch=1`); never both.
  if ((p.type === "deb" || p.type === "rpm") && q.epoch && q.epoch !== "0" && !/^\d+:/.test(version)) version = `${q.epoch}:${version}`;
  const name = nameOf(p);
  const pkg: Package = { type: p.type, name, version, purl, source: null, licenses: [], locations: [] };
  if (q.arch) pkg.arch = q.arch;
  // Syft writes the source package as `upstream=name` or `upstream=name@version`.
  if (q.upstream) {
    const at = q.upstream.indexOf("@");
    pkg.source = at > 0 ? { name: q.upstream.slice(0, at), version: q.upstream.slice(at + 1) } : { name: q.upstream, version };
  }
  const os = q.distro ? osFromDistro(q.distro, p.namespace ?? undefined) : null;
  return { pkg, os };
}

function nameOf(p: PackageURL): string {
  if (!p.namespace) return p.name;
  switch (p.type) {
    case "maven":
      return `${p.namespace}:${p.name}`;
    case "npm":
    case "golang":
    case "composer":
    case "swift":
      return `${p.namespace}/${p.name}`;
    default:
      // deb/rpm/apk namespaces are the distribution, not part of the name.
      return p.name;
  }
}
