import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Package } from "../../types.js";
import { mavenPomAnalyzer } from "./index.js";
import { parseXml } from "./xml.js";

const run = (content: string | Buffer, path = "app/pom.xml"): { packages: Package[]; errors: string[] } => {
  const r = mavenPomAnalyzer.analyze({ path, content: Buffer.from(content), mode: 0o644 }) as { packages?: Package[]; errors?: string[] } | null;
  return { packages: mavenPomAnalyzer.finalize!(r?.packages ?? [], { os: null, owners: new Map() }), errors: r?.errors ?? [] };
};
const fixture = (name: string): { packages: Package[]; errors: string[] } =>
  run(readFileSync(new URL(`./testdata/${name}/pom.xml`, import.meta.url)), `src/${name}/pom.xml`);
const nv = (ps: Package[]): string[] => ps.map((p) => `${p.name}@${p.version}${p.dev ? " dev" : ""}`);

describe("maven pom.xml analyzer", () => {
  it("wants pom.xml outside node_modules and test fixtures", () => {
    expect(mavenPomAnalyzer.required("srv/app/pom.xml")).toBe(true);
    expect(mavenPomAnalyzer.required("pom.xml")).toBe(true);
    expect(mavenPomAnalyzer.required("app/node_modules/x/pom.xml")).toBe(false);
    expect(mavenPomAnalyzer.required("app/src/test/fixtures/pom.xml")).toBe(false);
    expect(mavenPomAnalyzer.required("app/x.pom")).toBe(false);
  });

  it("reads osv-scanner's Maven fixtures", () => {
    expect(nv(fixture("one-package").packages)).toEqual(["org.apache.maven:maven-artifact@1.0.0"]);
    expect(nv(fixture("two-packages").packages)).toEqual(["io.netty:netty-all@4.1.42.Final", "org.slf4j:slf4j-log4j12@1.7.25"]);
    expect(nv(fixture("with-scope").packages)).toEqual(["abc:xyz@1.2.3", "junit:junit@4.12 dev"]);
    // A version on the dependency wins over dependencyManagement; managed-only entries are not dependencies.
    expect(nv(fixture("with-dependency-management").packages)).toEqual(["io.netty:netty-all@4.1.9", "org.slf4j:slf4j-log4j12@1.7.25"]);
    expect(nv(fixture("interpolation").packages)).toEqual(["org.mine:my.package@2.3.4", "org.mine:mypackage@1.0.0"]);
    expect(fixture("interpolation").packages[1]).toMatchObject({ purl: "pkg:maven/org.mine/mypackage@1.0.0", locations: [{ path: "/src/interpolation/pom.xml" }], metadata: { declaredVersion: "${mypackageVersion}" } });
    expect(fixture("empty")).toEqual({ packages: [], errors: [] });
  });

  it("matches what Maven resolves for a hand-written POM (mvn -o -X test-compile)", () => {
    const r = fixture("handwritten");
    expect(nv(r.packages)).toEqual(["commons-cli:commons-cli@1.9.0", "commons-io:commons-io@2.11.0", "junit:junit@4.13.2 dev"]);
    expect(r.packages[2]!.metadata).toEqual({ scope: "test", declaredVersion: "${junit.version}" });
  });

  it("reads a real POM with a parent it does not fetch (Apache Commons Text)", () => {
    const r = fixture("commons-text");
    const byName = new Map(r.packages.map((p) => [p.name, p]));
    expect(byName.get("org.apache.commons:commons-lang3")).toMatchObject({ version: "3.12.0", purl: "pkg:maven/org.apache.commons/commons-lang3@3.12.0" });
    expect(byName.get("org.mockito:mockito-inline")).toMatchObject({ version: "4.8.0", dev: true });
    // Managed by the parent POM, which is not fetched: no version.
    expect(byName.get("org.junit.jupiter:junit-jupiter")).toMatchObject({ version: "", dev: true, purl: "pkg:maven/org.junit.jupiter/junit-jupiter" });
    expect(r.packages.every((p) => (p.dev ?? false) === (p.name !== "org.apache.commons:commons-lang3"))).toBe(true);
  });

  it("reports broken and foreign files as errors", () => {
    expect(fixture("not-pom").errors[0]).toMatch(/src\/not-pom\/pom\.xml: no root element/);
    expect(fixture("invalid-syntax").errors[0]).toMatch(/malformed tag/);
    expect(run("<settings><x/></settings>").errors[0]).toMatch(/not a POM: root element is <settings>/);
    expect(run("<project><dependencies><dependency>").errors[0]).toMatch(/unexpected end of document inside <dependency>/);
    expect(run("<project></dependencies>").errors[0]).toMatch(/does not match/);
    expect(run("<project><!-- open").errors[0]).toMatch(/unterminated comment/);
    expect(run(Buffer.from([0xff, 0xfe, 0, 0x3c, 0])).errors).toHaveLength(1);
  });

  it("never expands declared entities, and bounds depth and self-referencing properties", () => {
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE project [\n <!ENTITY a "aaaaaaaaaa">\n <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>&b;</version></dependency></dependencies></project>`;
    expect(nv(run(bomb).packages)).toEqual(["g:a@&b;"]);
    const deep = "<project>" + "<x>".repeat(5000) + "</x>".repeat(5000) + "</project>";
    expect(run(deep).errors[0]).toMatch(/nested deeper than 200/);
    const loop = `<project><properties><v>\${v}\${v}</v><w>\${w}</w></properties><dependencies>
      <dependency><groupId>g</groupId><artifactId>a</artifactId><version>\${v}</version></dependency>
      <dependency><groupId>g</groupId><artifactId>b</artifactId><version>\${w}</version></dependency></dependencies></project>`;
    const r = run(loop);
    expect(nv(r.packages)).toEqual(["g:a@", "g:b@"]);
  });

  it("decodes predefined entities, CDATA and namespaces", () => {
    const root = parseXml(`<?xml version="1.0"?><p:project xmlns:p="x" a='>'><p:name>a &amp; b &#x41;&#66; &unknown; <![CDATA[<raw>]]></p:name></p:project>`);
    expect(root.name).toBe("project");
    expect(root.children[0]!.text).toBe("a & b AB &unknown; <raw>");
  });
});
