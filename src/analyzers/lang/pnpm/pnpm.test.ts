import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FileAnalysis, Package } from "../../types.js";
import { pnpmAnalyzer, wantedPath } from "./index.js";
import { parseKey } from "./keys.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const analyze = async (content: Buffer | string, path = "app/pnpm-lock.yaml"): Promise<FileAnalysis> =>
  (await pnpmAnalyzer.analyze({ path, content: Buffer.from(content), mode: 0o644 }))!;
const run = async (p: string): Promise<Package[]> => (await analyze(fixture(p))).packages!;
const pairs = (pkgs: Package[]): string[] => pkgs.map((p) => `${p.name}@${p.version}${p.dev ? " (dev)" : ""}`).sort();

describe("pnpm analyzer", () => {
  it("wants pnpm-lock.yaml outside node_modules and fixtures", () => {
    expect(wantedPath("app/pnpm-lock.yaml")).toBe(true);
    expect(wantedPath("app/node_modules/.pnpm/lock.yaml")).toBe(false);
    expect(wantedPath("app/node_modules/x/pnpm-lock.yaml")).toBe(false);
    expect(wantedPath("app/fixtures/pnpm-lock.yaml")).toBe(false);
  });

  it("parses keys of lockfile versions 5, 6 and 9 with peer suffixes stripped", () => {
    expect(parseKey("/acorn/8.7.0", 5.3)).toEqual({ name: "acorn", version: "8.7.0" });
    expect(parseKey("/@typescript-eslint/parser/5.13.0_eslint@8.10.0+typescript@4.6.2", 5.3)).toEqual({ name: "@typescript-eslint/parser", version: "5.13.0" });
    expect(parseKey("/foo/1.4.0_@types+babel__core@7.1.14", 5.3)).toEqual({ name: "foo", version: "1.4.0" });
    expect(parseKey("registry.npmjs.org/@foo/bar/1.1.0", 5.3)).toEqual({ name: "@foo/bar", version: "1.1.0" });
    expect(parseKey("/@testing-library/react@13.4.0(react-dom@18.2.0)(react@18.2.0)", 6)).toEqual({ name: "@testing-library/react", version: "13.4.0" });
    expect(parseKey("@typescript-eslint/eslint-plugin@5.62.0(@typescript-eslint/parser@5.62.0(eslint@8.57.0))", 9)).toEqual({ name: "@typescript-eslint/eslint-plugin", version: "5.62.0" });
    expect(parseKey("github.com/kevva/is-positive", 5.3)).toBeNull();
    expect(parseKey("/foo/bar", 5.3)).toBeNull();
    expect(parseKey("ansi-regex@https://codeload.github.com/chalk/ansi-regex/tar.gz/02fa893", 9)).toBeNull();
  });

  it("reads the same project in lockfile versions 5.3, 5.4, 6 and 9 with dev flags", async () => {
    expect(pairs(await run("osv/mixed-groups.v53.yaml"))).toEqual(["ansi-regex@5.0.1", "is-number@7.0.0 (dev)", "uuid@8.3.2"]);
    expect(pairs(await run("osv/mixed-groups.v54.yaml"))).toEqual(["ansi-regex@5.0.1", "is-number@7.0.0 (dev)", "uuid@8.3.2"]);
    expect(pairs(await run("osv/mixed-groups.v6.yaml"))).toEqual(["ansi-regex@5.0.0", "is-number@7.0.0 (dev)", "uuid@8.0.0"]);
    // v9 has no dev flag: it follows from importers' devDependencies through snapshots.
    expect(pairs(await run("osv/mixed-groups.v9.yaml"))).toEqual(["ansi-regex@5.0.1", "is-number@7.0.0 (dev)", "uuid@8.3.2"]);
    expect(pairs(await run("osv/one-package-dev.v9.yaml"))).toEqual(["acorn@8.11.3 (dev)"]);
  });

  it("collapses peer-dependency variants into one package per version", async () => {
    expect(pairs(await run("osv/peer-dependencies.yaml"))).toEqual(["acorn-jsx@5.3.2", "acorn@8.7.0"]);
    expect(pairs(await run("osv/peer-dependencies.v9.yaml"))).toEqual(["acorn-jsx@5.3.2", "acorn@8.11.3"]);
    const adv = await run("osv/peer-dependencies-advanced.v9.yaml");
    expect(adv.filter((p) => p.name === "@typescript-eslint/utils")).toHaveLength(1);
    expect(pairs(adv)).toContain("@typescript-eslint/eslint-plugin@5.62.0");
    expect(pairs(await run("syft/pnpm-v5-peer-suffix.yaml"))).toEqual(["acorn-jsx@5.3.2", "acorn@8.8.0", "webpack-cli@4.10.0"]);
    expect(pairs(await run("syft/pnpm-v6.yaml"))).toContain("@testing-library/react@13.4.0");
  });

  it("reads scoped, multiple-version, tarball, git and file packages", async () => {
    expect(pairs(await run("osv/scoped-packages.yaml"))).toEqual(["@typescript-eslint/types@5.13.0"]);
    expect(pairs(await run("osv/scoped-packages-v6-lockfile.yaml"))).toEqual(["@typescript-eslint/types@5.57.1"]);
    expect(pairs(await run("osv/scoped-packages.v9.yaml"))).toEqual(["@typescript-eslint/types@5.62.0"]);
    expect(pairs(await run("osv/multiple-versions.v9.yaml"))).toEqual(["uuid@8.0.0", "uuid@8.3.2", "xmlbuilder@11.0.1"]);
    expect(pairs(await run("osv/tarball.yaml"))).toEqual(["@my-org/my-package@3.2.3 (dev)"]);
    expect(pairs(await run("osv/commits.v9.yaml"))).toEqual(["ansi-regex@6.0.1", "is-number@7.0.0"]);
    const files = await analyze(fixture("osv/files.yaml"));
    expect(pairs(files.packages!)).toContain("a-nested-local-package@1.0.0");
    // The nameless file: package is reported as a problem, not a crash.
    expect(files.errors).toEqual([expect.stringMatching(/file:..\/nameless-package/)]);
  });

  it("reports unreadable keys as errors and keeps the rest", async () => {
    const r = await analyze(fixture("osv/exotic.yaml"));
    expect(pairs(r.packages!)).toEqual(["@foo/bar@1.0.0", "@foo/bar@1.1.0", "foo@1.0.0", "foo@1.1.0", "foo@1.2.0", "foo@1.3.0", "foo@1.4.0"]);
    expect(r.errors).toHaveLength(2);
  });

  it("skips the package-manager document of a multi-document lockfile", async () => {
    expect(pairs(await run("syft/pnpm-multi-doc.yaml"))).toEqual(["minimist@1.2.0"]);
  });

  it("computes v9 dev flags through aliases, shared packages and workspace links", async () => {
    const lock = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      lib:
        specifier: workspace:*
        version: link:packages/lib
      shared:
        specifier: ^1.0.0
        version: 1.0.0
      cjs:
        specifier: npm:string-width@^4
        version: string-width@4.2.3
    devDependencies:
      tool:
        specifier: ^2.0.0
        version: 2.0.0(shared@1.0.0)
packages:
  shared@1.0.0:
    resolution: {integrity: sha512-a}
  tool@2.0.0:
    resolution: {integrity: sha512-b}
  helper@3.10.0:
    resolution: {integrity: sha512-c}
  string-width@4.2.3:
    resolution: {integrity: sha512-d}
snapshots:
  shared@1.0.0: {}
  tool@2.0.0(shared@1.0.0):
    dependencies:
      shared: 1.0.0
      helper: 3.10.0
  helper@3.10.0: {}
  string-width@4.2.3: {}
`;
    expect(pairs((await analyze(lock)).packages!)).toEqual(["helper@3.10.0 (dev)", "shared@1.0.0", "string-width@4.2.3", "tool@2.0.0 (dev)"]);
  });

  it("returns nothing for empty lockfiles and throws clear errors for broken ones", async () => {
    for (const f of ["osv/empty.yaml", "osv/no-packages.yaml", "osv/no-packages.v9.yaml"]) expect(await run(f), f).toEqual([]);
    await expect(analyze(fixture("osv/not-yaml.txt"))).rejects.toThrow(/not a YAML mapping/);
    await expect(analyze(fixture("syft/corrupt.yaml"))).rejects.toThrow(/invalid YAML in app\/pnpm-lock.yaml/);
    const bomb = ["lockfileVersion: '9.0'", 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(",")}]`);
    await expect(analyze(bomb.join("\n") + "\n")).rejects.toThrow(/alias/i);
    expect((await analyze("lockfileVersion: '9.0'\npackages: [1, 2]\n")).packages).toEqual([]);
    const t0 = performance.now();
    await expect(analyze("packages: " + "[".repeat(2_000_000))).rejects.toThrow(/nested deeper than 64/);
    expect(performance.now() - t0).toBeLessThan(10_000); // pathological slowness only
  });

  it("builds purls in finalize", async () => {
    const out = pnpmAnalyzer.finalize!(await run("osv/peer-dependencies-advanced.yaml"), { os: null, owners: new Map() });
    expect(out[0]!.purl).toBe("pkg:npm/%40typescript-eslint/eslint-plugin@5.13.0");
    expect(out.at(-1)!.purl).toBe("pkg:npm/tsutils@3.21.0");
  });
});
