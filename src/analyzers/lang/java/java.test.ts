import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../../../../test/support/tools.js";
import { ZipWriter, writeZip } from "../../../../test/vulndb/zip-writer.js";
import type { Package } from "../../types.js";
import { LIMITS, walkJavaArchive } from "./archive.js";
import { parseFileName } from "./identity.js";
import { javaAnalyzer } from "./index.js";
import { jarCreate, lieAboutSize, pomProperties, writeTree } from "./test-support/jars.js";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "bulwark-java-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file under `dir` as [relative name, content]. */
function treeOf(dir: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  const visit = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) visit(p);
      else out.push([relative(dir, p), readFileSync(p)]);
    }
  };
  visit(dir);
  return out;
}

/** Runs the analyzer (and finalize) on a local archive shown at `path`. */
async function scan(localPath: string, path: string): Promise<{ packages: Package[]; errors: string[] }> {
  const r = await javaAnalyzer.analyze({ path, content: Buffer.alloc(0), mode: 0o644, localPath });
  return { packages: javaAnalyzer.finalize!(r?.packages ?? [], { os: null, owners: new Map() }), errors: r?.errors ?? [] };
}

const brief = (ps: Package[]): string[][] => ps.map((p) => [p.purl, p.locations[0]!.path]);

describe("java archive analyzer: paths and file names", () => {
  it("wants .jar/.war/.ear/.jpi/.hpi in any case, nothing else", () => {
    for (const p of ["app/app.jar", "x/y.WAR", "a.ear", "var/jenkins/plugins/git.jpi", "p/x.HPI"]) expect(javaAnalyzer.required(p), p).toBe(true);
    for (const p of ["app/app.jar.sha1", "a.zip", "jar", "x/jarfile", "usr/lib/x.rar"]) expect(javaAnalyzer.required(p), p).toBe(false);
  });

  it("splits name-version file names", () => {
    expect(parseFileName("guava-31.1-jre.jar")).toEqual({ artifact: "guava", version: "31.1-jre" });
    expect(parseFileName("log4j-1.2-api-2.17.1.jar")).toEqual({ artifact: "log4j-1.2-api", version: "2.17.1" });
    expect(parseFileName("bcprov-jdk15on-1.70.jar")).toEqual({ artifact: "bcprov-jdk15on", version: "1.70" });
    expect(parseFileName("netty-all-4.1.42.Final.jar")).toEqual({ artifact: "netty-all", version: "4.1.42.Final" });
    expect(parseFileName("foo-1.0-rc-1.jar")).toEqual({ artifact: "foo", version: "1.0-rc-1" });
    expect(parseFileName("app-1.0-SNAPSHOT.war")).toEqual({ artifact: "app", version: "1.0-SNAPSHOT" });
    expect(parseFileName("commons-lang3.jar")).toEqual({ artifact: "commons-lang3", version: "" });
  });
});

describe("java archive analyzer: zips built in TypeScript", () => {
  const jarOf = (name: string): string => {
    const out = join(work, `${name}.jar`);
    writeZip(out, treeOf(join(testdata, "jar-metadata", name)), true);
    return out;
  };

  it("reads pom.properties identity and Bundle-License from syft's jackson/opensaml metadata", async () => {
    const saml = await scan(jarOf("opensaml-core-3.4.6"), "app/lib/opensaml-core-3.4.6.jar");
    expect(brief(saml.packages)).toEqual([["pkg:maven/org.opensaml/opensaml-core@3.4.6", "/app/lib/opensaml-core-3.4.6.jar"]]);
    expect(saml.packages[0]!.metadata).toEqual({ identifiedBy: "pom.properties" });
    // No pom.properties: the manifest gives group (Implementation-Vendor-Id), version and license.
    const jackson = await scan(jarOf("jackson-core-2.15.2"), "jackson-core-2.15.2.jar");
    expect(jackson.packages[0]).toMatchObject({ name: "com.fasterxml.jackson.core:jackson-core", version: "2.15.2", purl: "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2" });
    expect(jackson.packages[0]!.licenses).toEqual(["https://www.apache.org/licenses/LICENSE-2.0.txt"]);
    expect(jackson.packages[0]!.metadata?.identifiedBy).toBe("manifest");
  });

  it("picks the pom.properties matching the file name and reports the others as shaded", async () => {
    const api = await scan(jarOf("api-all-2.0.0-sources"), "api-all-2.0.0-sources.jar");
    expect(brief(api.packages)).toEqual([
      ["pkg:maven/org.apache.directory.api/api-all@2.0.0", "/api-all-2.0.0-sources.jar"],
      ["pkg:maven/org.apache.directory.api/api-asn1-api@2.0.0", "/api-all-2.0.0-sources.jar!/META-INF/maven/org.apache.directory.api/api-asn1-api/pom.properties"],
    ]);
    const multi = await scan(jarOf("org.multiple-thename"), "org.multiple-thename.jar");
    expect(brief(multi.packages)).toEqual([
      ["pkg:maven/com.multiple/thename@10.11.12", "/org.multiple-thename.jar!/META-INF/maven/com.multiple/thename/pom.properties"],
      ["pkg:maven/org.multiple/thename@10.11.12", "/org.multiple-thename.jar"],
    ]);
  });

  it("falls back to the file name, marking an unknown group", async () => {
    const amb = await scan(jarOf("multiple-matching-2.11.5"), "multiple-matching-2.11.5.jar");
    // No pom.properties names this file: it is "multiple-matching" by name, the three are shaded.
    expect(amb.packages.map((p) => p.name)).toEqual(["multiple-matching", "org.multiple:multiple-matching-1", "org.multiple:multiple-matching-2", "org.multiple:multiple-matching-3"]);
    expect(amb.packages[0]).toMatchObject({ version: "2.11.5", purl: "", metadata: { groupUnknown: "true" } });
    const mic = await scan(jarOf("micronaut-aop-4.9.11"), "micronaut-aop-4.9.11.jar");
    expect(mic.packages[0]).toMatchObject({ name: "micronaut-aop", version: "4.9.11", metadata: { groupUnknown: "true", identifiedBy: "filename" } });
    const bare = join(work, "bare.jar");
    writeZip(bare, [["a/B.class", "x"]]);
    expect((await scan(bare, "opt/lib/tool-2.3.jar")).packages[0]).toMatchObject({ name: "tool", version: "2.3", metadata: { identifiedBy: "filename" } });
  });

  it("walks nested archives at any depth with !/ locations, spooling large members", async () => {
    const lib = join(work, "lib.jar");
    writeZip(lib, [["META-INF/maven/org.ex/lib/pom.properties", pomProperties("org.ex", "lib", "1.0")]]);
    const war = join(work, "inner.war");
    writeZip(war, [
      ["WEB-INF/lib/lib-1.0.jar", readFileSync(lib)],
      ["WEB-INF/lib/dep-2.0.jar", readFileSync(bare())],
    ]);
    const ear = join(work, "app.ear");
    writeZip(ear, [["META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nImplementation-Title: app\nImplementation-Version: 9\n"], ["web.war", readFileSync(war)]], true);
    const want = [
      ["app@9", "/srv/app.ear"],
      ["dep@2.0", "/srv/app.ear!/web.war!/WEB-INF/lib/dep-2.0.jar"],
      ["org.ex:lib@1.0", "/srv/app.ear!/web.war!/WEB-INF/lib/lib-1.0.jar"],
      ["web@", "/srv/app.ear!/web.war"],
    ];
    const named = (ps: Package[]): string[][] => ps.map((p) => [`${p.name}@${p.version}`, p.locations[0]!.path]);
    expect(named((await scan(ear, "srv/app.ear")).packages)).toEqual(want);
    // The same archive with every member spooled to a temp file instead of opened in memory.
    const before = tempDirs();
    const spooled = await walkJavaArchive(ear, "srv/app.ear", { ...LIMITS, inMemoryBytes: 0 });
    expect(spooled.errors).toEqual([]);
    expect(named(javaAnalyzer.finalize!(spooled.packages, { os: null, owners: new Map() }))).toEqual(want);
    expect(tempDirs()).toEqual(before);
  });

  function bare(): string {
    const p = join(work, "bare-x.jar");
    if (!existsSync(p)) writeZip(p, [["a/B.class", "x"]]);
    return p;
  }
  const tempDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith("bulwark-jar-"));
});

describe("java archive analyzer: hostile archives", () => {
  it("reports garbage and truncated archives as errors", async () => {
    const junk = join(work, "junk.jar");
    writeFileSync(junk, "example archive\n");
    expect((await scan(junk, "junk.jar")).errors[0]).toMatch(/junk\.jar: not a readable zip archive/);
    const good = join(work, "good.jar");
    writeZip(good, [["META-INF/maven/g/good/pom.properties", pomProperties("g", "good", "1")], ["lib/in.jar", Buffer.alloc(5000, 1)]]);
    const cut = join(work, "cut.jar");
    writeFileSync(cut, readFileSync(good).subarray(0, 3000));
    const r = await scan(cut, "cut.jar");
    expect(r.packages).toEqual([]);
    expect(r.errors[0]).toMatch(/not a readable zip archive/);
    // A nested member that is not a zip is an error; the outer archive is still reported.
    const g = await scan(good, "good.jar");
    expect(g.packages.map((p) => p.name)).toEqual(["g:good"]);
    expect(g.errors[0]).toMatch(/good\.jar!\/lib\/in\.jar: not a readable zip archive/);
  });

  it("stops a member that inflates past its declared size (zip bomb)", async () => {
    const bomb = join(work, "bomb.jar");
    writeZip(bomb, [["META-INF/MANIFEST.MF", Buffer.alloc(64 * 2 ** 20, 0x41)], ["lib/x.jar", Buffer.alloc(48 * 2 ** 20)]], true);
    lieAboutSize(bomb, "META-INF/MANIFEST.MF", 100);
    lieAboutSize(bomb, "lib/x.jar", 1000);
    const t0 = performance.now();
    const r = await scan(bomb, "bomb-1.0.jar");
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.packages.map((p) => p.name)).toEqual(["bomb"]);
    expect(r.errors.join("\n")).toMatch(/MANIFEST\.MF: .*too many bytes/);
    expect(r.errors.join("\n")).toMatch(/lib\/x\.jar: .*too many bytes/);
  });

  it("bounds nesting depth, entry count and total bytes read", async () => {
    // 12 levels of jar-in-jar: the walk stops at 8.
    let inner = join(work, "l12.jar");
    writeZip(inner, [["META-INF/maven/g/l12/pom.properties", pomProperties("g", "l12", "1")]]);
    for (let i = 11; i >= 0; i--) {
      const outer = join(work, `l${i}.jar`);
      writeZip(outer, [[`META-INF/maven/g/l${i}/pom.properties`, pomProperties("g", `l${i}`, "1")], [`l${i + 1}.jar`, readFileSync(inner)]]);
      inner = outer;
    }
    const deep = await scan(inner, "l0.jar");
    expect(deep.packages).toHaveLength(9);
    expect(deep.packages.at(-1)!.locations[0]!.path).toBe("/l0.jar" + "!/l1.jar!/l2.jar!/l3.jar!/l4.jar!/l5.jar!/l6.jar!/l7.jar!/l8.jar".replace(/^/, ""));
    expect(deep.errors[0]).toMatch(/nested deeper than 8 levels/);

    const many = join(work, "many.jar");
    const z = new ZipWriter(many);
    for (let i = 0; i < 50; i++) z.add(`c/C${i}.class`, "");
    z.close();
    const m = await walkJavaArchive(many, "many.jar", { ...LIMITS, maxEntries: 10 });
    expect(m.errors[0]).toMatch(/50 entries, over the 10 limit/);

    const fat = join(work, "fat.jar");
    writeZip(fat, [1, 2, 3].map((i) => [`lib/l${i}-1.0.jar`, readFileSync(join(work, "l12.jar"))] as [string, Buffer]));
    const b = await walkJavaArchive(fat, "fat.jar", { ...LIMITS, maxTotalBytes: 500 });
    expect(b.packages.length).toBeLessThan(4);
    expect(b.errors.join("\n")).toMatch(/read budget of 500 inflated bytes spent/);
  });

  it("treats ../ and absolute entry names as names only", async () => {
    const lib = join(work, "evil-lib.jar");
    writeZip(lib, [["META-INF/maven/g/evil/pom.properties", pomProperties("g", "evil", "1.0")]]);
    const evil = join(work, "evil.jar");
    writeZip(evil, [
      ["../../../../tmp/escape-1.0.jar", readFileSync(lib)],
      ["/etc/abs-2.0.jar", readFileSync(bare())],
      ["META-INF/maven/../../../x/pom.properties", "groupId=x\nartifactId=x\nversion=1\n"],
    ]);
    const r = await walkJavaArchive(evil, "evil.jar", { ...LIMITS, inMemoryBytes: 0 });
    expect(r.errors).toEqual([]);
    expect(r.packages.map((p) => [p.name, p.locations[0]!.path]).sort()).toEqual([
      ["abs", "/evil.jar!//etc/abs-2.0.jar"],
      ["evil", "/evil.jar"],
      ["g:evil", "/evil.jar!/../../../../tmp/escape-1.0.jar"],
    ]);
    expect(existsSync("/tmp/escape-1.0.jar")).toBe(false);
    function bare(): string {
      const p = join(work, "plain.jar");
      writeZip(p, [["a/B.class", "x"]]);
      return p;
    }
  });
});

describe.skipIf(missingTool("JDK jar tool tests", "jar", { jar: ["--version"] }) !== undefined)("java archive analyzer: archives built with the JDK jar tool", () => {
  const lib = (name: string, files: Record<string, string | Buffer>, manifest?: string): string => {
    const dir = mkdtempSync(join(work, "src-"));
    writeTree(dir, files);
    let mf: string | undefined;
    if (manifest) writeFileSync((mf = join(work, `${name}.MF`)), manifest);
    const out = join(work, name);
    jarCreate(out, dir, { manifest: mf, store: name.endsWith(".war") || name.includes("boot") });
    return out;
  };

  it("reads a plain jar, a Spring Boot fat jar, a WAR and a shaded jar", async () => {
    const core = lib("core-1.4.jar", { "META-INF/maven/com.acme/core/pom.properties": pomProperties("com.acme", "core", "1.4"), "com/acme/A.class": "x" });
    const osgi = lib("osgi.jar", { "x.txt": "x" }, "Bundle-SymbolicName: org.osgi.thing\nBundle-Version: 3.2.1\nBundle-License: \"Apache-2.0\";link=\"https://x/y,z\", MIT\n");
    const plain = await scan(core, "core-1.4.jar");
    expect(brief(plain.packages)).toEqual([["pkg:maven/com.acme/core@1.4", "/core-1.4.jar"]]);
    expect((await scan(osgi, "osgi.jar")).packages[0]).toMatchObject({ name: "org.osgi.thing", version: "3.2.1", licenses: ["Apache-2.0", "MIT"] });

    const boot = lib("boot-app.jar", {
      "META-INF/maven/com.acme/boot-app/pom.properties": pomProperties("com.acme", "boot-app", "0.0.1-SNAPSHOT"),
      "BOOT-INF/lib/core-1.4.jar": readFileSync(core),
      "BOOT-INF/lib/osgi-3.2.1.jar": readFileSync(osgi),
    });
    expect(brief((await scan(boot, "app/boot-app.jar")).packages)).toEqual([
      ["pkg:maven/com.acme/boot-app@0.0.1-SNAPSHOT", "/app/boot-app.jar"],
      ["pkg:maven/com.acme/core@1.4", "/app/boot-app.jar!/BOOT-INF/lib/core-1.4.jar"],
      ["", "/app/boot-app.jar!/BOOT-INF/lib/osgi-3.2.1.jar"],
    ]);

    const shaded = lib("uber-2.0.jar", {
      "META-INF/maven/com.acme/uber/pom.properties": pomProperties("com.acme", "uber", "2.0"),
      "META-INF/maven/com.google.guava/guava/pom.properties": pomProperties("com.google.guava", "guava", "31.1-jre"),
      "META-INF/maven/org.slf4j/slf4j-api/pom.properties": pomProperties("org.slf4j", "slf4j-api", "1.7.32"),
    });
    expect(brief((await scan(shaded, "uber-2.0.jar")).packages)).toEqual([
      ["pkg:maven/com.acme/uber@2.0", "/uber-2.0.jar"],
      ["pkg:maven/com.google.guava/guava@31.1-jre", "/uber-2.0.jar!/META-INF/maven/com.google.guava/guava/pom.properties"],
      ["pkg:maven/org.slf4j/slf4j-api@1.7.32", "/uber-2.0.jar!/META-INF/maven/org.slf4j/slf4j-api/pom.properties"],
    ]);

    const war = lib("shop.war", { "WEB-INF/lib/uber-2.0.jar": readFileSync(shaded), "index.html": "<p>" }, "Implementation-Title: shop\nImplementation-Version: 5.1\nImplementation-Vendor-Id: com.acme.web\n");
    expect(brief((await scan(war, "usr/local/tomcat/webapps/shop.war")).packages)).toEqual([
      ["pkg:maven/com.acme.web/shop@5.1", "/usr/local/tomcat/webapps/shop.war"],
      ["pkg:maven/com.acme/uber@2.0", "/usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/uber-2.0.jar"],
      ["pkg:maven/com.google.guava/guava@31.1-jre", "/usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/uber-2.0.jar!/META-INF/maven/com.google.guava/guava/pom.properties"],
      ["pkg:maven/org.slf4j/slf4j-api@1.7.32", "/usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/uber-2.0.jar!/META-INF/maven/org.slf4j/slf4j-api/pom.properties"],
    ]);
  });
});

// Debian's maven package ships jars with pom.properties: identity must equal what they say.
// These are Debian 12's (bookworm) versions; each jar skips with a line naming its package when absent.
describe("java archive analyzer: Debian's jars", () => {
  const jars: [string, string[]][] = [
    ["/usr/share/java/commons-lang3.jar", ["pkg:maven/org.apache.commons/commons-lang3@3.12.0"]],
    ["/usr/share/java/maven3-core.jar", ["pkg:maven/org.apache.maven/maven-core@3.8.7"]],
    ["/usr/share/java/maven3-slf4j-provider.jar", ["pkg:maven/org.apache.maven/maven-slf4j-provider@3.8.7", "pkg:maven/org.slf4j/slf4j-simple@1.7.32"]],
    [
      "/usr/share/java/wagon-http-shaded-3.5.3.jar",
      ["pkg:maven/commons-codec/commons-codec@1.15", "pkg:maven/org.apache.httpcomponents/httpclient@4.5.14", "pkg:maven/org.apache.httpcomponents/httpcore@4.4.16", "pkg:maven/org.apache.maven.wagon/wagon-http@3.5.3", "pkg:maven/org.apache.maven.wagon/wagon-http-shared@3.5.3"],
    ],
  ];
  for (const [path, purls] of jars) {
    it.skipIf(missingTool(`Debian jar test (${path})`, path) !== undefined)(path, async () => {
      const r = await scan(path, path.slice(1));
      expect(r.errors).toEqual([]);
      expect(r.packages.map((p) => p.purl)).toEqual(purls);
      // The archive itself is the package located at the file.
      expect(r.packages.find((p) => p.locations[0]!.path === path)?.purl).toBe(purls.find((p) => !p.includes("slf4j-simple") && !p.includes("http-shared") && !p.includes("httpc") && !p.includes("codec")));
    });
  }
});
