import { PackageURL } from "packageurl-js";
import { describe, expect, it } from "vitest";
import { alpineReport, debianReport, emptyReport, shuffled } from "../test-support/sample-report.js";
import { cyclonedxErrors } from "../test-support/schemas.js";
import { collate } from "./collate.js";
import { cyclonedxWriter } from "./cyclonedx-writer.js";

interface Property {
  name: string;
  value: string;
}
interface Component {
  type: string;
  name: string;
  version?: string;
  "bom-ref": string;
  purl?: string;
  licenses?: ({ license: { id?: string; name?: string } } | { expression: string })[];
  properties?: Property[];
}
interface Bom {
  specVersion: string;
  serialNumber?: string;
  metadata: { timestamp?: string; component: Component; tools: { components: Component[] } };
  components: Component[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

const fixtures = { debian: debianReport, alpine: alpineReport, empty: emptyReport };
const parse = (text: string) => JSON.parse(text) as Bom;
const props = (c: Component, name: string) => (c.properties ?? []).filter((p) => p.name === name).map((p) => p.value);
const timestamp = new Date("2024-07-01T12:00:00.000Z");

describe("cyclonedx writer", () => {
  it.each(Object.entries(fixtures))("%s: valid CycloneDX 1.6, with and without timestamp", (_, make) => {
    for (const options of [{}, { timestamp }]) {
      const errors = cyclonedxErrors(parse(cyclonedxWriter.write(make(), options)));
      expect(errors).toEqual([]);
    }
  });

  it.each(Object.entries(fixtures))("%s: deterministic, whatever the input order", (_, make) => {
    const first = cyclonedxWriter.write(make());
    expect(cyclonedxWriter.write(make())).toBe(first);
    expect(cyclonedxWriter.write(shuffled(make()))).toBe(first);
    expect(cyclonedxWriter.write(shuffled(make(), 99), { timestamp })).toBe(cyclonedxWriter.write(make(), { timestamp }));
  });

  it("orders lists by code point, not by the process locale", () => {
    // en-US collation would put "alpha" before "Zeta" and "_x" first; cs-CZ puts "chrony"
    // after "hostname". Code-point order is the same everywhere.
    const report = debianReport();
    const base = report.packages[0]!;
    for (const name of ["Zeta", "alpha", "_x", "chrony", "hostname"]) {
      report.packages.push({ ...base, type: "generic", name, purl: `pkg:generic/${name}@1` });
    }
    const bom = parse(cyclonedxWriter.write(report));
    const refs = bom.components.map((c) => c["bom-ref"]);
    expect(refs).toEqual([...refs].sort());
    for (const c of bom.components) {
      const keys = (c.properties ?? []).map((p) => `${p.name}\u0000${p.value}`);
      expect(keys).toEqual([...keys].sort());
    }
    const deps = bom.dependencies.map((d) => d.ref);
    expect(deps).toEqual([...deps].sort());
  });

  it("collate re-sorts what a locale-aware sort left in another order", () => {
    const czech = {
      bomFormat: "CycloneDX" as const,
      specVersion: "1.6",
      version: 1,
      components: [
        { type: "library" as const, name: "hostname", "bom-ref": "pkg:deb/debian/hostname@1" },
        { type: "library" as const, name: "chrony", "bom-ref": "pkg:deb/debian/chrony@1" },
      ],
      dependencies: [{ ref: "b", dependsOn: ["pkg:deb/debian/hostname@1", "pkg:deb/debian/chrony@1"] }, { ref: "a" }],
    };
    const out = collate(czech as Parameters<typeof collate>[0]);
    expect(out.components!.map((c) => c.name)).toEqual(["chrony", "hostname"]);
    expect(out.dependencies!.map((d) => d.ref)).toEqual(["a", "b"]);
    expect(out.dependencies![1]!.dependsOn).toEqual(["pkg:deb/debian/chrony@1", "pkg:deb/debian/hostname@1"]);
  });

  it("adds serial number and timestamp only when asked", () => {
    const plain = parse(cyclonedxWriter.write(debianReport()));
    expect(plain.specVersion).toBe("1.6");
    expect(plain.serialNumber).toBeUndefined();
    expect(plain.metadata.timestamp).toBeUndefined();

    const stamped = parse(cyclonedxWriter.write(debianReport(), { timestamp }));
    expect(stamped.metadata.timestamp).toBe("2024-07-01T12:00:00.000Z");
    expect(stamped.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = parse(cyclonedxWriter.write(alpineReport(), { timestamp }));
    expect(other.serialNumber).not.toBe(stamped.serialNumber);
  });

  it("describes the image, the tool and the OS", () => {
    const report = debianReport();
    const bom = parse(cyclonedxWriter.write(report));
    const image = bom.metadata.component;
    expect(image.type).toBe("container");
    expect(image.name).toBe(report.artifact.target);
    expect(image.version).toBe(report.artifact.digest);
    const purl = PackageURL.fromString(image.purl!);
    expect(purl.type).toBe("oci");
    expect(purl.name).toBe("web-app");
    expect(purl.version).toBe(report.artifact.digest);
    expect(purl.qualifiers).toMatchObject({ repository_url: "registry.example.com/team/web-app", tag: "1.4.2" });
    expect(bom.metadata.tools.components).toEqual([{ type: "application", name: "bulwark", version: "0.1.0" }]);
    const os = bom.components.filter((c) => c.type === "operating-system");
    expect(os).toHaveLength(1);
    expect(os[0]).toMatchObject({ name: "debian", version: "12" });
  });

  it("has no image purl without a digest", () => {
    const bom = parse(cyclonedxWriter.write(emptyReport()));
    expect(bom.metadata.component.purl).toBeUndefined();
    expect(bom.metadata.component.version).toBeUndefined();
    expect(bom.components).toEqual([]);
  });

  it("gives every component a unique bom-ref, suffixing packages that share a purl", () => {
    const bom = parse(cyclonedxWriter.write(debianReport()));
    const refs = [bom.metadata.component, ...bom.components].map((c) => c["bom-ref"]);
    expect(new Set(refs).size).toBe(refs.length);
    const lodash = bom.components.filter((c) => c.name === "lodash");
    expect(lodash.map((c) => c["bom-ref"]).sort()).toEqual(["pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21|2"]);
    expect(lodash.map((c) => c.purl)).toEqual(["pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21"]);
  });

  it("keeps purls exactly and they round-trip through packageurl-js", () => {
    const report = debianReport();
    const bom = parse(cyclonedxWriter.write(report));
    const libraries = bom.components.filter((c) => c.type === "library");
    expect(libraries.map((c) => c.purl).sort()).toEqual(report.packages.map((p) => p.purl).sort());
    for (const c of libraries) expect(PackageURL.fromString(c.purl!).toString()).toBe(c.purl);
  });

  it("records layer, location, type, source and arch as properties", () => {
    const report = debianReport();
    const bom = parse(cyclonedxWriter.write(report));
    for (const c of bom.components.filter((x) => x.type === "library")) {
      expect(props(c, "bulwark:layer:digest")).toHaveLength(1);
      expect(props(c, "bulwark:layer:diffId")).toHaveLength(1);
      expect(props(c, "bulwark:location:path")).toHaveLength(1);
    }
    const libc = bom.components.find((c) => c.name === "libc6")!;
    const base = report.artifact.layers[0]!;
    expect(props(libc, "bulwark:layer:digest")).toEqual([base.digest]);
    expect(props(libc, "bulwark:layer:diffId")).toEqual([base.diffId]);
    expect(props(libc, "bulwark:location:path")).toEqual(["/var/lib/dpkg/status"]);
    expect(props(libc, "bulwark:package:type")).toEqual(["deb"]);
    expect(props(libc, "bulwark:package:arch")).toEqual(["amd64"]);
    expect(props(libc, "bulwark:source:name")).toEqual(["glibc"]);
    expect(props(libc, "bulwark:source:version")).toEqual(["2.36-9+deb12u7"]);
    const zlib = bom.components.find((c) => c.name === "zlib1g")!;
    expect(zlib.version).toBe("1:1.2.13.dfsg-1");
  });

  it("writes licenses as ids, one expression, or names", () => {
    const bom = parse(cyclonedxWriter.write(debianReport()));
    const licenses = (name: string) => bom.components.find((c) => c.name === name)!.licenses;
    expect(licenses("libc6")).toEqual([{ license: { id: "GPL-2.0-or-later" } }, { license: { id: "LGPL-2.1-or-later" } }]);
    expect(licenses("libgcc-s1")).toEqual([{ expression: "GPL-3.0-or-later WITH GCC-exception-3.1" }]);
    expect(licenses("type-fest")).toEqual([{ expression: "MIT OR CC0-1.0" }]);
    expect(licenses("perl-base")).toEqual([{ license: { name: "Artistic" } }, { license: { name: "GPL-1+" } }]);
    expect(licenses("nodejs")).toEqual([{ license: { name: "Expat" } }, { license: { id: "MIT" } }]);
    expect(licenses("base-files")).toBeUndefined();
  });

  it("makes the image depend on the OS and every package", () => {
    const bom = parse(cyclonedxWriter.write(debianReport()));
    const imageRef = bom.metadata.component["bom-ref"];
    const root = bom.dependencies.find((d) => d.ref === imageRef)!;
    expect([...root.dependsOn!].sort()).toEqual(bom.components.map((c) => c["bom-ref"]).sort());
  });
});

describe("list order without the library's locale sort", () => {
  it("writes the same bytes as with sortLists on, for every sample report", async () => {
    const { buildBom, serializeBom } = await import("./cyclonedx-writer.js");
    const { canonicalPackages } = await import("../common/packages.js");
    const { debianReport, alpineReport } = await import("../test-support/sample-report.js");
    const { vulnerableReport, incompleteReport } = await import("../sarif/test-support/vulnerable-report.js");
    const reports = [debianReport(), alpineReport(), vulnerableReport(), incompleteReport(true)];
    for (const r of reports) {
      const packages = canonicalPackages(r.packages);
      const fast = serializeBom(buildBom(r, packages));
      const sorted = serializeBom(buildBom(r, packages), true);
      expect(fast).toBe(sorted);
      expect(fast.length).toBeGreaterThan(1000);
    }
  });
});

describe("the direct path", () => {
  it("writes the same bytes as the library's object model, edge cases included", async () => {
    const { buildBom, serializeBom } = await import("./cyclonedx-writer.js");
    const { canonicalPackages } = await import("../common/packages.js");
    const { debianReport, alpineReport } = await import("../test-support/sample-report.js");
    const { vulnerableReport, incompleteReport } = await import("../sarif/test-support/vulnerable-report.js");
    const edge = debianReport();
    const [first, second] = edge.packages;
    edge.packages.push(
      // The same purl twice (a vendored copy), owned packages, odd licenses, no version, no purl.
      { ...first!, locations: [{ path: "/other/copy" }] },
      { ...second!, type: "pypi", name: "PyYAML", version: "6.0", purl: "pkg:pypi/pyyaml@6.0", ownedBy: first!.purl, licenses: ["mit", "gpl-2.0+", "Expat"] },
      { ...second!, type: "npm", name: "left-pad", version: "", purl: "", licenses: ["MIT AND (Apache-2.0 OR BSD-2-Clause)", "ISC"] },
      { ...second!, type: "npm", name: "dup", version: "1", purl: "pkg:npm/dup@1", ownedBy: "pkg:npm/dup@1", licenses: ["SEE LICENSE IN LICENSE.md"] },
    );
    const reports = [debianReport(), alpineReport(), vulnerableReport(), incompleteReport(true), edge];
    for (const r of reports) {
      const packages = canonicalPackages(r.packages);
      expect(cyclonedxWriter.write(r)).toBe(`${serializeBom(buildBom(r, packages))}\n`);
      const timestamp = new Date("2026-01-02T03:04:05Z");
      const bom = buildBom(r, packages);
      bom.metadata.timestamp = timestamp;
      const stamped = JSON.parse(cyclonedxWriter.write(r, { timestamp })) as { serialNumber: string };
      bom.serialNumber = stamped.serialNumber;
      expect(cyclonedxWriter.write(r, { timestamp })).toBe(`${serializeBom(bom)}\n`);
    }
  });
});
