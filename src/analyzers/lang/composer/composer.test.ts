import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { composerAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
async function run(path: string, content: Buffer) {
  const r = (await composerAnalyzer.analyze({ path, content, mode: 0o644 }))!;
  return { errors: r.errors, pkgs: composerAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() }) };
}

describe("composer analyzer (installed.json)", () => {
  it("wants vendor/composer/installed.json only", () => {
    expect(wantedPath("var/www/html/vendor/composer/installed.json")).toBe(true);
    expect(wantedPath("vendor/composer/installed.json")).toBe(true);
    expect(wantedPath("var/www/myvendor/composer/installed.json")).toBe(false);
    expect(wantedPath("var/www/vendor/composer/installed.php")).toBe(false);
    expect(wantedPath("composer.lock")).toBe(false);
  });

  it("reads the Composer 1 array form", async () => {
    const path = "app/vendor/composer/installed.json";
    const { pkgs } = await run(path, fixture("composer1/" + path));
    expect(pkgs).toEqual([
      { type: "composer", name: "asm89/stack-cors", version: "1.3.0", purl: "pkg:composer/asm89/stack-cors@1.3.0", source: null, licenses: ["MIT"], locations: [{ path: "/" + path }] },
      { type: "composer", name: "behat/mink", version: "v1.8.1", purl: "pkg:composer/behat/mink@v1.8.1", source: null, licenses: ["MIT"], locations: [{ path: "/" + path }] },
    ]);
  });

  it("reads the Composer 2 object form and marks dev-package-names", async () => {
    const path = "var/www/html/vendor/composer/installed.json";
    const { pkgs } = await run(path, fixture("composer2/" + path));
    expect(pkgs.map((p) => `${p.name}@${p.version}${p.dev ? " dev" : ""}`)).toEqual(["asm89/stack-cors@1.3.0", "behat/mink@v1.8.1 dev"]);
  });

  it("keeps the commit of branch installs, skips broken entries, reports non-JSON", async () => {
    const doc = { packages: [{ name: "a/b", version: "dev-main", source: { reference: "abc123" }, license: "MIT" }, { name: "x/y" }, null, "str"] };
    const r = await run("vendor/composer/installed.json", Buffer.from(JSON.stringify(doc)));
    expect(r.pkgs).toMatchObject([{ name: "a/b", version: "dev-main", licenses: ["MIT"], metadata: { reference: "abc123" }, purl: "pkg:composer/a/b@dev-main" }]);
    expect(r.errors).toEqual(["vendor/composer/installed.json: 3 entries without name/version skipped"]);
    expect((await run("vendor/composer/installed.json", Buffer.from("{"))).errors![0]).toMatch(/not JSON/);
    expect((await run("vendor/composer/installed.json", Buffer.from('{"x":1}'))).errors![0]).toMatch(/neither a package array/);
  });
});
