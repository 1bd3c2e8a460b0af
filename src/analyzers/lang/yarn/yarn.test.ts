import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FileAnalysis, Package } from "../../types.js";
import { realName, splitDescriptor } from "./descriptor.js";
import { isBerry, wantedPath, yarnAnalyzer } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const analyze = async (content: Buffer | string, path = "app/yarn.lock"): Promise<FileAnalysis> =>
  (await yarnAnalyzer.analyze({ path, content: Buffer.from(content), mode: 0o644 }))!;
const run = async (p: string): Promise<Package[]> => (await analyze(fixture(p))).packages!;
const pairs = (pkgs: Package[]): string[] => pkgs.map((p) => `${p.name}@${p.version}`).sort();

describe("yarn analyzer", () => {
  it("wants yarn.lock outside node_modules and fixtures", () => {
    expect(wantedPath("app/yarn.lock")).toBe(true);
    expect(wantedPath("yarn.lock")).toBe(true);
    expect(wantedPath("app/node_modules/x/yarn.lock")).toBe(false);
    expect(wantedPath("app/testdata/yarn.lock")).toBe(false);
    expect(wantedPath("app/yarn.lock.bak")).toBe(false);
  });

  it("tells berry from classic lockfiles", () => {
    expect(isBerry(fixture("osv/one-package.v2.lock").toString())).toBe(true);
    expect(isBerry(fixture("osv/one-package.v1.lock").toString())).toBe(false);
  });

  it("reads classic and berry lockfiles of the same packages", async () => {
    for (const v of ["v1", "v2"]) {
      expect(pairs(await run(`osv/one-package.${v}.lock`)), v).toEqual(["balanced-match@1.0.2"]);
      expect(pairs(await run(`osv/with-aliases.${v}.lock`)), v).toEqual(["@babel/helper-validator-identifier@7.22.20", "ansi-regex@5.0.1", "ansi-regex@6.0.1"]);
      expect(pairs(await run(`osv/with-build-string.${v}.lock`)), v).toEqual(["domino@2.1.6+git", "tslib@2.6.2"]);
      expect(pairs(await run(`osv/with-quotes.${v}.lock`)).length, v).toBe(2);
    }
  });

  it("reads scoped names, multiple constraints, versions and prereleases (classic)", async () => {
    expect(pairs(await run("osv/multiple-constraints.v1.lock"))).toEqual(["@babel/code-frame@7.12.13", "domelementtype@1.3.1"]);
    expect(pairs(await run("osv/multiple-versions.v1.lock"))).toEqual(["define-properties@1.1.3", "define-property@0.2.5", "define-property@1.0.0", "define-property@2.0.2"]);
    expect(pairs(await run("osv/with-quotes.v1.lock"))).toEqual(["concat-map@0.0.1", "concat-stream@1.6.2"]);
    const pre = await run("osv/with-prerelease.v1.lock");
    expect(pairs(pre)).toContain("resolve@2.0.0-next.3");
    expect(pairs(pre)).toContain("css-tree@1.0.0-alpha.37");
  });

  it("reads git and file dependencies, skips link: folders (classic)", async () => {
    const commits = await run("osv/commits.v1.lock");
    expect(pairs(commits)).toEqual(expect.arrayContaining(["@bower_components/angular-animate@1.4.14", "mine4@0.0.2", "mine4@0.0.4", "minimist@0.0.8", "is-number@5.0.0"]));
    expect(pairs(await run("osv/files.v1.lock"))).toEqual(["etag@1.8.1", "filedep@1.2.0", "lodash@1.3.1", "other_package@0.0.2", "sprintf-js@0.0.0"]);
  });

  it("reads berry resolutions: scoped, git, file and duplicate keys; skips the workspace", async () => {
    expect(pairs(await run("osv/scoped-packages.v2.lock"))).toEqual(["@babel/cli@7.16.8", "@babel/code-frame@7.16.7", "@babel/compat-data@7.16.8"]);
    expect(pairs(await run("osv/with-prerelease.v2.lock"))).toEqual(["@nicolo-ribaudo/chokidar-2@2.1.8-no-fsevents.3", "gensync@1.0.0-beta.2"]);
    expect(pairs(await run("osv/multiple-versions.v2.lock"))).toEqual(["debug@2.6.9", "debug@3.2.7", "debug@4.3.3"]);
    expect(pairs(await run("osv/commits.v2.lock"))).toContain("@typegoose/typegoose@7.2.0");
    expect(pairs(await run("osv/files.v2.lock"))).toEqual(["my-package@0.0.2"]);
    // syft's fixture repeats one key; YAML duplicates are tolerated.
    const berry = await run("syft/yarn-berry.lock");
    expect(berry.filter((p) => p.name === "@types/qs")).toHaveLength(1);
    expect(pairs(await run("syft/yarn-berry-dups.lock"))).toEqual(["async@0.9.2", "async@3.2.6"]);
  });

  it("resolves patch: entries to the patched package and skips workspace/link/portal", async () => {
    const lock = [
      "__metadata:",
      "  version: 8",
      "",
      '"resolve@patch:resolve@npm%3A^1.20.0#optional!builtin<compat/resolve>":',
      "  version: 1.22.10",
      '  resolution: "resolve@patch:resolve@npm%3A1.22.10#optional!builtin<compat/resolve>::version=1.22.10&hash=c3c19d"',
      "",
      '"typescript@npm:5.10":',
      "  version: 5.10",
      '  resolution: "typescript@npm:5.10"',
      "",
      '"app@workspace:.":',
      "  version: 0.0.0-use.local",
      '  resolution: "app@workspace:."',
      "",
      '"lib@link:../lib::locator=app%40workspace%3A.":',
      "  version: 0.0.0-use.local",
      '  resolution: "lib@link:../lib::locator=app%40workspace%3A."',
      "",
      '"tool@portal:../tool::locator=app%40workspace%3A.":',
      "  version: 1.0.0",
      '  resolution: "tool@portal:../tool::locator=app%40workspace%3A."',
      "",
    ].join("\n");
    // `version: 5.10` stays "5.10": no YAML number conversion.
    expect(pairs((await analyze(lock)).packages!)).toEqual(["resolve@1.22.10", "typescript@5.10"]);
  });

  it("returns nothing for empty lockfiles and reports broken ones", async () => {
    for (const f of ["osv/empty.v1.lock", "osv/empty.v2.lock", "osv/metadata-only.v2.lock"]) expect(await run(f), f).toEqual([]);
    const garbage = await analyze("\u0000\u00ff garbage\nmore: [\n");
    expect(garbage.packages).toEqual([]);
    expect(garbage.errors?.length).toBeGreaterThan(0);
    await expect(analyze('__metadata:\n  version: 8\n"a@npm:1": [unclosed\n')).rejects.toThrow(/invalid YAML in app\/yarn.lock/);
    // Billion laughs: nested aliases must not expand without bound.
    const bomb = ["__metadata: {version: 8}", 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(",")}]`);
    await expect(analyze("__metadata:\n  version: 8\nx: " + "{a: ".repeat(100_000))).rejects.toThrow(/nested deeper/);
    await expect(analyze(bomb.join("\n") + "\n")).rejects.toThrow(/alias/i);
    const noRes = await analyze('__metadata:\n  version: 8\n"a@npm:^1":\n  version: 1.0.0\n');
    expect(noRes.errors?.[0]).toMatch(/no usable resolution/);
  });

  it("splits descriptors and follows npm: aliases", () => {
    expect(splitDescriptor("@scope/name@^1.0.0")).toEqual({ name: "@scope/name", rest: "^1.0.0" });
    expect(splitDescriptor("@scope")).toBeNull();
    expect(realName("alias@npm:@scope/real@^2")).toBe("@scope/real");
    expect(realName("plain@npm:^2")).toBe("plain");
  });

  it("builds purls in finalize", async () => {
    const out = yarnAnalyzer.finalize!(await run("osv/scoped-packages.v1.lock"), { os: null, owners: new Map() });
    expect(out.map((p) => p.purl)).toEqual(["pkg:npm/%40babel/code-frame@7.12.11", "pkg:npm/%40babel/compat-data@7.14.0"]);
    expect(out[0]!.locations).toEqual([{ path: "/app/yarn.lock" }]);
  });
});
