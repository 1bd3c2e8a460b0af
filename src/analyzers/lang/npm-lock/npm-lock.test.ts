import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FileAnalysis, Package } from "../../types.js";
import { nameFromKey, npmLockAnalyzer, v1Version, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const analyze = async (content: Buffer | string, path = "app/package-lock.json"): Promise<FileAnalysis> =>
  (await npmLockAnalyzer.analyze({ path, content: Buffer.from(content), mode: 0o644 }))!;
const run = async (p: string): Promise<Package[]> => (await analyze(fixture(p))).packages!;
const pairs = (pkgs: Package[]): string[] => pkgs.map((p) => `${p.name}@${p.version}${p.dev ? " (dev)" : ""}`).sort();

describe("npm-lock analyzer", () => {
  it("wants package-lock.json and npm-shrinkwrap.json outside node_modules and fixtures", () => {
    expect(wantedPath("app/package-lock.json")).toBe(true);
    expect(wantedPath("package-lock.json")).toBe(true);
    expect(wantedPath("srv/api/npm-shrinkwrap.json")).toBe(true);
    expect(wantedPath("app/node_modules/foo/package-lock.json")).toBe(false);
    expect(wantedPath("app/node_modules/.package-lock.json")).toBe(false);
    expect(wantedPath("app/test/fixtures/package-lock.json")).toBe(false);
    expect(wantedPath("app/package.json")).toBe(false);
  });

  it("reads v1 and v2 of the same lockfile alike: scoped, nested and dev packages", async () => {
    for (const v of ["v1", "v2"]) {
      expect(pairs(await run(`osv/scoped-packages.${v}.json`)), v).toEqual(["@babel/code-frame@7.0.0", "wrappy@1.0.2"]);
      expect(pairs(await run(`osv/one-package-dev.${v}.json`)), v).toEqual(["wrappy@1.0.2 (dev)"]);
      expect(pairs(await run(`osv/nested-dependencies.${v}.json`)), v).toEqual([
        "postcss-calc@7.0.1",
        "postcss@6.0.23",
        "postcss@7.0.16",
        "supports-color@5.5.0",
        "supports-color@6.1.0",
      ]);
      // ajv is dev under eslint but a production dependency under table: not dev.
      expect(pairs(await run(`osv/same-package-different-groups.${v}.json`)), v).toEqual(["ajv@5.5.2", "eslint@1.2.3 (dev)", "table@1.0.0"]);
    }
  });

  it("reports one package per (name, version) however often the lockfile nests it", async () => {
    expect(pairs(await run("osv/nested-dependencies-dup.v2.json"))).toEqual(["supports-color@2.0.0", "supports-color@6.1.0"]);
    const v1 = await run("osv/nested-dependencies-dup.v1.json");
    expect(v1.filter((p) => p.name === "supports-color").map((p) => p.version).sort()).toEqual(["2.0.0", "5.5.0", "6.1.0"]);
    expect(pairs(await run("syft/nested-package-lock-1.json"))).toEqual([
      "dev-nested@1.0.0",
      "dev-parent@1.0.0 (dev)",
      "duplicate@1.0.0",
      "middle@1.0.0",
      "parent@1.0.0",
      "shared@0.5.0",
      "shared@1.0.0",
      "shared@2.0.0",
    ]);
  });

  it("resolves npm: aliases to the real package", async () => {
    for (const v of ["v1", "v2"]) {
      expect(pairs(await run(`osv/alias.${v}.json`)), v).toEqual(["@babel/code-frame@7.0.0", "string-width@4.2.0", "string-width@5.1.2"]);
    }
    expect(pairs(await run("syft/alias-package-lock-2.json"))).toEqual(["@bundled-es-modules/chai@4.2.2", "case@1.6.2", "case@1.6.3"]);
    expect(v1Version("x", { version: "npm:@scope/y@2.0.0-rc.1" })).toEqual({ name: "@scope/y", version: "2.0.0-rc.1" });
  });

  it("marks devOptional as dev, keeps optional production packages", async () => {
    expect(pairs(await run("osv/optional-package.v2.json"))).toEqual(["supports-color@5.5.0 (dev)", "wrappy@1.0.2"]);
  });

  it("reads git dependencies: the commit in v1, the package version in v2", async () => {
    const v1 = await run("osv/commits.v1.json");
    expect(v1.find((p) => p.name === "babel-preset-php")?.version).toBe("c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced");
    // `from` names the real package behind a git alias.
    expect(v1.find((p) => p.name === "is-number" && p.version === "d5ac0584ee9ae7bd9288220a39780f155b9ad4c8")?.dev).toBe(true);
    const v2 = await run("osv/commits.v2.json");
    expect(v2.find((p) => p.name === "babel-preset-php")).toMatchObject({ version: "1.1.1", dev: true, licenses: ["MIT"] });
    expect(v2.find((p) => p.name === "@segment/analytics.js-integration-facebook-pixel")?.version).toBe("2.4.1");
  });

  it("skips file: deps in v1 and names link/file targets in v2", async () => {
    expect(pairs(await run("osv/files.v1.json"))).toEqual(["lodash@1.3.1"]);
    const v2 = await run("osv/files.v2.json");
    expect(pairs(v2)).toEqual(["abbrev@1.0.9 (dev)", "abbrev@2.3.4 (dev)", "etag@1.8.0 (dev)"]);
    expect(v2.find((p) => p.name === "etag")?.metadata).toEqual({ folder: "deps/etag" });
  });

  it("resolves workspace links to their folder and skips the root project", async () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        "": { name: "root", version: "1.0.0", workspaces: ["packages/*"] },
        "node_modules/@acme/util": { resolved: "packages/util", link: true },
        "packages/util": { version: "0.3.0", license: "MIT" },
        "node_modules/left-pad": { version: "1.3.0", inBundle: true, license: { type: "WTFPL" } },
        "packages/util/node_modules/left-pad": { version: "1.1.0", dev: true },
        "node_modules/no-version": {},
      },
    };
    const r = await analyze(JSON.stringify(lock), "srv/npm-shrinkwrap.json");
    expect(pairs(r.packages!)).toEqual(["@acme/util@0.3.0", "left-pad@1.1.0 (dev)", "left-pad@1.3.0"]);
    expect(r.packages!.find((p) => p.name === "left-pad" && p.version === "1.3.0")).toMatchObject({
      licenses: ["WTFPL"],
      metadata: { bundled: "true" },
      locations: [{ path: "/srv/npm-shrinkwrap.json" }],
    });
  });

  it("reads license arrays of v2 entries", async () => {
    const pkgs = await run("syft/array-license-package-lock.json");
    expect(pkgs.find((p) => p.name === "pause-stream")?.licenses).toEqual(["MIT", "Apache2"]);
  });

  it("returns nothing for empty lockfiles and throws clear errors for broken ones", async () => {
    expect(await run("osv/empty.v1.json")).toEqual([]);
    expect(await run("osv/empty.v2.json")).toEqual([]);
    await expect(analyze(fixture("osv/not-json.txt"))).rejects.toThrow(/app\/package-lock.json: not JSON/);
    await expect(analyze(fixture("syft/corrupt-package-lock.json"))).rejects.toThrow(/not JSON/);
    await expect(analyze("[]")).rejects.toThrow(/not a JSON object/);
    expect((await analyze('{"packages": {"node_modules/x": 5, "node_modules/y": {"version": 7}}}')).packages).toEqual([]);
  });

  it("stops at absurd v1 nesting instead of running away", async () => {
    let deps: Record<string, unknown> = { leaf: { version: "1.0.0" } };
    for (let i = 0; i < 400; i++) deps = { [`p${i}`]: { version: "1.0.0", dependencies: deps } };
    const r = await analyze(JSON.stringify({ lockfileVersion: 1, dependencies: deps }));
    expect(r.errors?.[0]).toMatch(/nested deeper than 256/);
    expect(r.packages!.length).toBeGreaterThan(200);
  });

  it("builds purls and sorts in finalize", async () => {
    const out = npmLockAnalyzer.finalize!(await run("osv/scoped-packages.v2.json"), { os: null, owners: new Map() });
    expect(out.map((p) => p.purl)).toEqual(["pkg:npm/%40babel/code-frame@7.0.0", "pkg:npm/wrappy@1.0.2"]);
    expect(nameFromKey("node_modules/a/node_modules/@s/b")).toBe("@s/b");
    expect(nameFromKey("packages/util")).toBe("util");
  });
});
