import { PackageURL } from "packageurl-js";
import type { OSInfo, Package } from "../../../model/index.js";
import { splitEvr } from "./package.js";

/** purl namespace: the distribution (`redhat` for RHEL, else the os-release id). */
export function namespaceFor(os: OSInfo | null, vendor: string | undefined): string | undefined {
  if (os?.family) {
    const family = os.family.toLowerCase();
    return family === "rhel" ? "redhat" : family;
  }
  return vendor ? vendorNamespace(vendor) : undefined;
}

// Without an os-release, the package vendor is the best hint of the distribution.
const VENDORS: [RegExp, string][] = [
  [/red hat/i, "redhat"],
  [/centos/i, "centos"],
  [/fedora/i, "fedora"],
  [/rocky/i, "rocky"],
  [/almalinux/i, "almalinux"],
  [/amazon/i, "amzn"],
  [/oracle/i, "ol"],
  [/opensuse/i, "opensuse"],
  [/suse/i, "suse"],
  [/microsoft|mariner/i, "mariner"],
];

function vendorNamespace(vendor: string): string | undefined {
  return VENDORS.find(([re]) => re.test(vendor))?.[1];
}

/**
 * pkg:rpm/<namespace>/<name>@<version>-<release>?arch=&epoch=&distro=. Unknown parts are left
 * out. `epoch` follows the version convention (package.ts): present whenever the header had
 * an EPOCH tag, so `epoch=0` appears for an explicit Epoch: 0.
 */
export function rpmPurl(pkg: Package, os: OSInfo | null): string {
  const { epoch, versionRelease } = splitEvr(pkg.version);
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  if (epoch !== undefined) qualifiers.epoch = epoch;
  if (os?.family) qualifiers.distro = os.version ? `${os.family}-${os.version}` : os.family;
  const ns = namespaceFor(os, pkg.metadata?.vendor);
  return new PackageURL("rpm", ns, pkg.name, versionRelease, qualifiers, undefined).toString();
}
