import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Package } from "../../types.js";
import { npmAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/rootfs/${p}`, import.meta.url));
const run = async (path: string) => npmAnalyzer.analyze({ path, content: fixture(path), mode: 0o644 });
const one = async (path: string): Promise<Package> => (await run(path))!.packages![0]!;

describe("npm (node_modules) analyzer", () => {
  it("wants package roots in node_modules at any depth and Debian's node module folders", () => {
    for (const p of [
      "app/node_modules/chalk/package.json",
      "node_modules/@babel/code-frame/package.json",
      "app/node_modules/glob/node_modules/minimatch/package.json",
      "usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json",
      "app/node_modules/.pnpm/chalk@4.1.2/node_modules/chalk/package.json",
      "app/.yarn/unplugged/esbuild-npm-0.19.0-abc/node_modules/esbuild/package.json",
      "usr/share/nodejs/semver/package.json",
      "usr/share/nodejs/@types/node/package.json",
      "usr/lib/nodejs/ws/package.json",
      "usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json",
      "usr/share/nodejs/yargs/node_modules/cliui/package.json",
    ]) {
      expect(wantedPath(p), p).toBe(true);
      expect(npmAnalyzer.required(p), p).toBe(true);
    }
    for (const p of [
      "app/package.json",
      "app/node_modules/.package-lock.json",
      "app/node_modules/minimatch/dist/cjs/package.json",
      "app/node_modules/resolve/test/resolver/node_modules/foo/package.json",
      "app/node_modules/@scope/package.json",
      "app/node_modules/.bin/package.json",
      "app/node_modules/chalk/readme.md",
      "usr/share/nodejs/semver/lib/package.json",
      "usr/share/doc/nodejs/package.json",
      "node_modules/package.json",
    ]) {
      expect(wantedPath(p), p).toBe(false);
    }
  });

  it("reads name, version and license of real installed packages, scoped and nested", async () => {
    expect(await one("app/node_modules/@babel/code-frame/package.json")).toMatchObject({
      type: "npm",
      name: "@babel/code-frame",
      version: "7.24.7",
      licenses: ["MIT"],
      source: null,
      locations: [{ path: "/app/node_modules/@babel/code-frame/package.json" }],
    });
    expect(await one("app/node_modules/glob/node_modules/minimatch/package.json")).toMatchObject({ name: "minimatch", version: "3.1.5", licenses: ["ISC"] });
    expect(await one("app/node_modules/@actions/core/package.json")).toMatchObject({ name: "@actions/core", version: "1.6.0", licenses: ["MIT"] });
    expect(await one("app/node_modules/cowsay/package.json")).toMatchObject({ name: "cowsay", version: "1.4.0", licenses: ["MIT"] });
  });

  it("reports an aliased install under the real package name", async () => {
    expect(await one("app/node_modules/string-width-cjs/package.json")).toMatchObject({ name: "string-width", version: "4.2.3" });
  });

  it("reads license objects, legacy licenses arrays and the private flag", async () => {
    expect((await one("usr/share/nodejs/npm/package.json")).licenses).toEqual(["ISC"]);
    expect((await one("usr/share/nodejs/legacy-licenses/package.json")).licenses).toEqual(["MIT", "Apache-2.0"]);
    const priv = await one("usr/share/nodejs/private-pkg/package.json");
    expect(priv.metadata).toEqual({ private: "true" });
    expect(priv.locations).toEqual([{ path: "/usr/share/nodejs/private-pkg/package.json" }]);
  });

  it("skips package.json files without name or version, and reports broken JSON", async () => {
    expect(await run("usr/lib/nodejs/partial/package.json")).toBeNull();
    expect(await run("app/node_modules/minimatch/dist/cjs/package.json")).toBeNull();
    const bad = await npmAnalyzer.analyze({ path: "node_modules/x/package.json", content: Buffer.from('{"name": "x", "vers'), mode: 0 });
    expect(bad?.errors?.[0]).toMatch(/node_modules\/x\/package.json: not JSON/);
    const arr = await npmAnalyzer.analyze({ path: "node_modules/x/package.json", content: Buffer.from("[1,2]"), mode: 0 });
    expect(arr?.errors?.[0]).toMatch(/not a JSON object/);
    const odd = await npmAnalyzer.analyze({ path: "node_modules/x/package.json", content: Buffer.from('{"name": 1, "version": {}}'), mode: 0 });
    expect(odd).toBeNull();
    const deep = await npmAnalyzer.analyze({ path: "node_modules/x/package.json", content: Buffer.from("[".repeat(200_000)), mode: 0 });
    expect(deep?.errors?.length).toBe(1);
  });

  it("builds encoded purls, merges identical entries and sorts in finalize", async () => {
    const a = await one("app/node_modules/@babel/code-frame/package.json");
    const b = await one("app/node_modules/glob/node_modules/minimatch/package.json");
    const c = await one("app/node_modules/minimatch/package.json");
    const dup = await one("app/node_modules/minimatch/package.json");
    const out = npmAnalyzer.finalize!([c, b, dup, a], { os: null, owners: new Map() });
    expect(out.map((p) => p.purl)).toEqual(["pkg:npm/%40babel/code-frame@7.24.7", "pkg:npm/minimatch@3.1.5", "pkg:npm/minimatch@9.0.3"]);
  });
});
