import { describe, expect, it } from "vitest";
import type { OSInfo, Package } from "../model/index.js";
import { coverage } from "./coverage.js";
import { osEcosystem } from "./ecosystems.js";
import { lookupsFor } from "./lookups.js";
import { pkg } from "./test-support/advisories.js";

const debian12: OSInfo = { family: "debian", version: "12", codename: "bookworm" };

// A Debian image with Python and Ruby on top: the kinds of package a scan meets.
function image(): Package[] {
  return [
    pkg({ name: "libc6", version: "2.36-9", source: ["glibc", "2.36-9"] }),
    pkg({ name: "libssl3", version: "3.0.13-1~deb12u1", source: ["openssl", "3.0.13-1~deb12u1"] }),
    pkg({ name: "python3-yaml", version: "6.0-3" }),
    // Installed by python3-yaml and ruby-rack: covered by Debian's advisories, not PyPI's.
    { ...pkg({ type: "pypi", name: "PyYAML", version: "6.0" }), ownedBy: "pkg:deb/debian/python3-yaml@6.0-3?arch=amd64&distro=debian-12" },
    pkg({ type: "gem", name: "rack", version: "3.0.0", metadata: { ownedBy: "pkg:deb/debian/ruby-rack@3.0.0-1" } }),
    pkg({ type: "pypi", name: "jinja2", version: "3.1.4" }),
    pkg({ type: "npm", name: "lodash", version: "4.17.21" }),
    pkg({ type: "npm", name: "lodash", version: "4.17.21" }),
    pkg({ type: "generic", name: "node", version: "20.20.2" }),
    pkg({ type: "generic", name: "openjdk", version: "17.0.15" }),
    pkg({ type: "hex", name: "phoenix", version: "1.7.0" }),
  ];
}

describe("coverage", () => {
  it("groups every package once: OSV ecosystems by name, the rest by purl type", () => {
    expect(coverage(image(), debian12)).toEqual([
      // libc6, libssl3, python3-yaml and the two packages they own.
      { kind: "osv", base: "Debian", ecosystem: "Debian:12", packages: 5 },
      { kind: "osv", base: "PyPI", ecosystem: "PyPI", packages: 1 },
      { kind: "none", ecosystem: "generic", packages: 2, reason: "no advisory source for generic packages (node, openjdk)" },
      { kind: "none", ecosystem: "hex", packages: 1, reason: "no advisory source for hex packages (phoenix)" },
      { kind: "osv", base: "npm", ecosystem: "npm", packages: 2 },
    ]);
  });

  it("does not count OS-owned packages in their language ecosystem, unless they are matched there", () => {
    const pypi = (os: OSInfo | null, opts = {}) => coverage(image(), os, opts).find((g) => g.ecosystem === "PyPI")?.packages;
    expect(pypi(debian12)).toBe(1);
    expect(pypi(debian12, { matchOsOwned: true })).toBe(2);
    const groups = coverage(image(), debian12, { matchOsOwned: true });
    expect(groups.find((g) => g.ecosystem === "Debian:12")?.packages).toBe(3);
    expect(groups.find((g) => g.ecosystem === "RubyGems")).toMatchObject({ kind: "osv", base: "RubyGems", packages: 1 });
  });

  it("names the release the way advisories do, whatever the point release", () => {
    const names = (os: OSInfo, type = "deb") => coverage([pkg({ type, name: "x", version: "1" })], os).map((g) => g.ecosystem);
    expect(names({ family: "debian", version: "12.5" })).toEqual(["Debian:12"]);
    expect(names({ family: "ubuntu", version: "22.04" })).toEqual(["Ubuntu:22.04"]);
    expect(names({ family: "alpine", version: "3.19.1" }, "apk")).toEqual(["Alpine:v3.19"]);
    expect(names({ family: "rhel", version: "9.4" }, "rpm")).toEqual(["Red Hat:enterprise_linux:9"]);
    expect(coverage([pkg({ type: "apk", name: "musl", version: "1.2.4-r2" })], { family: "alpine", version: "3.19.1" })[0]).toMatchObject({ base: "Alpine" });
  });

  it("says which OS has no advisory source, and counts the packages it owns with it", () => {
    const fedora = [
      pkg({ type: "rpm", name: "openssl-libs", version: "1:3.1.1-4.fc39" }, "fedora"),
      pkg({ type: "rpm", name: "python3-requests", version: "2.28.2-5.fc39" }, "fedora"),
      { ...pkg({ type: "pypi", name: "requests", version: "2.28.2" }), ownedBy: "pkg:rpm/fedora/python3-requests@2.28.2-5.fc39" },
      pkg({ type: "pypi", name: "flask", version: "3.0.0" }),
    ];
    expect(coverage(fedora, { family: "fedora", version: "39" })).toEqual([
      { kind: "osv", base: "PyPI", ecosystem: "PyPI", packages: 1 },
      { kind: "none", ecosystem: "rpm", packages: 3, reason: "no advisory source for fedora 39 (rpm packages)" },
    ]);
    expect(coverage(fedora.slice(0, 1), null)).toEqual([
      { kind: "none", ecosystem: "rpm", packages: 1, reason: "no advisory source for rpm packages: the OS release is unknown" },
    ]);
    expect(coverage(fedora.slice(0, 1), { family: "debian", version: "" })[0]).toMatchObject({ reason: "no advisory source for debian (release unknown) (rpm packages)" });
  });

  it("shortens long name lists", () => {
    const many = ["a", "b", "c", "d"].map((name) => pkg({ type: "swift", name, version: "1.0.0" }));
    expect(coverage(many, null)).toEqual([{ kind: "none", ecosystem: "swift", packages: 4, reason: "no advisory source for swift packages (a, b, c, ...)" }]);
    expect(coverage([], debian12)).toEqual([]);
  });

  it("agrees with the matcher: a package is in an OSV group exactly when it is looked up there (or its owner is)", () => {
    for (const [os, opts] of [[debian12, {}], [debian12, { matchOsOwned: true }], [null, {}], [{ family: "fedora", version: "39" }, {}]] as const) {
      const osEco = osEcosystem(os, opts);
      const groups = coverage(image(), os, opts);
      const inOsv = groups.filter((g) => g.kind === "osv").reduce((n, g) => n + g.packages, 0);
      const looked = image().filter((p) => lookupsFor(p, osEco, opts).length > 0).length;
      const owned = opts.matchOsOwned || !osEco ? 0 : image().filter((p) => p.ownedBy ?? p.metadata?.ownedBy).length;
      expect(inOsv, JSON.stringify(os)).toBe(looked + owned);
      expect(groups.reduce((n, g) => n + g.packages, 0)).toBe(image().length);
    }
  });
});
