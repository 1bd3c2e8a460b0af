// Language packages installed by OS packages stay in the inventory, marked with their owner, and
// are left to the OS package's advisories unless --match-os-owned.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { matchPackages, scan } from "../../src/index.js";
import { DEBIAN_OS_RELEASE } from "../support/fixtures.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";

const work = mkdtempSync(join(tmpdir(), "bw-owned-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const data = new URL("./testdata/owned/", import.meta.url).pathname;
const pyData = new URL("../../src/analyzers/lang/python/testdata/", import.meta.url).pathname;

describe("OS-owned language packages", () => {
  it("marks Debian's python3-* distributions with their dpkg owner, keeps app packages unowned", async () => {
    const entries: EntrySpec[] = [
      { path: "etc/os-release", content: DEBIAN_OS_RELEASE },
      { path: "var/lib/dpkg/status", content: readFileSync(join(data, "status")) },
      ...readdirSync(data).filter((f) => f.endsWith(".list")).map((f) => ({ path: `var/lib/dpkg/info/${f}`, content: readFileSync(join(data, f)) })),
      { path: "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", content: readFileSync(join(pyData, "debian/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA")) },
      { path: "usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO", content: readFileSync(join(pyData, "debian/usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO")) },
      { path: "app/venv/lib/python3.11/site-packages/jinja2-3.1.4.dist-info/METADATA", content: readFileSync(join(pyData, "venv/app/venv/lib/python3.11/site-packages/jinja2-3.1.4.dist-info/METADATA")) },
    ];
    const dir = join(work, "img");
    writeOciLayout(dir, [await buildImage({ layers: [{ entries }] })]);
    const r = await scan(dir, { noCache: true });
    const py = Object.fromEntries(r.packages.filter((p) => p.type === "pypi").map((p) => [p.name, p.ownedBy]));
    expect(py.PyYAML).toMatch(/^pkg:deb\/debian\/python3-yaml@6\.0-3\+b\d+\?arch=amd64&distro=debian-12$|^pkg:deb\/debian\/python3-yaml@6\.0-3/);
    expect(py.PyJWT).toMatch(/^pkg:deb\/debian\/python3-jwt@2\.6\.0/);
    expect(py.Jinja2).toBeUndefined();

    // The matcher leaves owned packages to the OS advisories unless asked.
    const record = {
      id: "GHSA-test-yaml",
      modified: "2024-01-01T00:00:00Z",
      affected: [{ package: { ecosystem: "PyPI", name: "pyyaml" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "99" }] }] }],
    };
    const source = { query: (eco: string, name: string) => (eco === "PyPI" && name === "pyyaml" ? [record] : []) };
    expect(matchPackages(r.packages, r.artifact.os, source)).toEqual([]);
    expect(matchPackages(r.packages, r.artifact.os, source, { matchOsOwned: true }).map((v) => v.package.name)).toEqual(["PyYAML"]);
  });
});

describe("ownership in SBOMs", () => {
  it("writes the owner as a CycloneDX dependency and an SPDX CONTAINS relationship", async () => {
    const { getWriter } = await import("../../src/report/index.js");
    const { cyclonedxErrors: validateCycloneDx, spdxErrors: validateSpdx } = await import("../../src/report/test-support/schemas.js");
    const base = { type: "deb", source: null, licenses: [], locations: [{ path: "/var/lib/dpkg/status" }] };
    const report = {
      schemaVersion: 1 as const,
      tool: { name: "bulwark" as const, version: "0.0.0" },
      artifact: { target: "t", type: "oci", os: { family: "debian", version: "12" }, layers: [] },
      packages: [
        { ...base, name: "python3-yaml", version: "6.0-3", purl: "pkg:deb/debian/python3-yaml@6.0-3?distro=debian-12" },
        { ...base, type: "pypi", name: "PyYAML", version: "6.0", purl: "pkg:pypi/pyyaml@6.0", ownedBy: "pkg:deb/debian/python3-yaml@6.0-3?distro=debian-12", locations: [{ path: "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA" }] },
      ],
      vulnerabilities: [], secrets: [], misconfigurations: [], errors: [],
    };
    const cdx = JSON.parse(getWriter("cyclonedx-json").write(report));
    expect(validateCycloneDx(cdx)).toEqual([]);
    const dep = cdx.dependencies.find((d: { ref: string }) => d.ref.startsWith("pkg:deb/debian/python3-yaml"));
    expect(dep.dependsOn).toEqual(["pkg:pypi/pyyaml@6.0"]);
    const spdx = JSON.parse(getWriter("spdx-json").write(report));
    expect(validateSpdx(spdx)).toEqual([]);
    const ids = Object.fromEntries(spdx.packages.map((p: { name: string; SPDXID: string }) => [p.name, p.SPDXID]));
    expect(spdx.relationships).toContainEqual({ spdxElementId: ids["python3-yaml"], relationshipType: "CONTAINS", relatedSpdxElement: ids.PyYAML });
  });
});

describe("packages seen by several analyzers", () => {
  it("merges a lockfile entry with the installed package, keeping both locations", async () => {
    const lock = { name: "app", version: "1.0.0", lockfileVersion: 3, packages: { "": { name: "app" }, "node_modules/left-pad": { version: "1.3.0" }, "node_modules/jest": { version: "29.7.0", dev: true } } };
    const entries: EntrySpec[] = [
      { path: "app/package-lock.json", content: JSON.stringify(lock) },
      { path: "app/node_modules/left-pad/package.json", content: JSON.stringify({ name: "left-pad", version: "1.3.0", license: "WTFPL" }) },
      // A second copy elsewhere, found by the same analyzer: a separate entry.
      { path: "opt/tool/node_modules/left-pad/package.json", content: JSON.stringify({ name: "left-pad", version: "1.3.0" }) },
    ];
    const dir = join(work, "merge");
    writeOciLayout(dir, [await buildImage({ layers: [{ entries }] })]);
    // Images report installed packages only; the lockfile's entries join with --include-declared.
    expect((await scan(dir, { noCache: true })).packages.map((p) => p.name)).toEqual(["left-pad", "left-pad"]);
    const r = await scan(dir, { noCache: true, includeDeclared: true });
    const pads = r.packages.filter((p) => p.name === "left-pad");
    expect(pads).toHaveLength(2);
    const paths = pads.map((p) => p.locations.map((l) => l.path).sort());
    expect(paths).toContainEqual(["/app/node_modules/left-pad/package.json", "/app/package-lock.json"].sort());
    expect(pads.every((p) => p.evidence === "installed")).toBe(true);
    expect(r.packages.find((p) => p.name === "jest")).toMatchObject({ dev: true, evidence: "declared" });
  });
});
