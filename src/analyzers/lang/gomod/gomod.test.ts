import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Package } from "../../types.js";
import { gomodAnalyzer, wanted } from "./index.js";
import { compareSemver, parseGoMod } from "./parse.js";

const read = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const run = (p: string, path = `app/${p}`) => gomodAnalyzer.analyze({ path, content: read(p), mode: 0o644 }) as { packages: Package[]; errors?: string[] };
const finalize = (pkgs: Package[]) => gomodAnalyzer.finalize!(pkgs, { os: null, owners: new Map() });
const list = (pkgs: Package[]) => finalize(pkgs).map((p) => `${p.name}@${p.version}`);

describe("go.mod / go.sum analyzer", () => {
  it("wants go.mod and go.sum outside vendored fixtures and node_modules", () => {
    expect(wanted("src/app/go.mod")).toBe(true);
    expect(wanted("go.sum")).toBe(true);
    expect(wanted("app/node_modules/x/go.mod")).toBe(false);
    expect(wanted("app/testdata/go.mod")).toBe(false);
    expect(wanted("app/go.mod.bak")).toBe(false);
  });

  it("reads require blocks and marks indirect modules", () => {
    const pkgs = finalize(run("indirect-packages/go.mod").packages);
    expect(pkgs.map((p) => `${p.name}@${p.version}${p.metadata?.indirect ? " indirect" : ""}`)).toEqual([
      "github.com/BurntSushi/toml@v1.0.0",
      "github.com/mattn/go-colorable@v0.1.9 indirect",
      "github.com/mattn/go-isatty@v0.0.14 indirect",
      "golang.org/x/sys@v0.0.0-20210630005230-0f9fa26af87c indirect",
      "gopkg.in/yaml.v2@v2.4.0",
    ]);
    expect(pkgs[0]).toMatchObject({ type: "golang", purl: "pkg:golang/github.com/BurntSushi/toml@v1.0.0", source: null, locations: [{ path: "/app/indirect-packages/go.mod" }] });
    expect(pkgs[4]!.purl).toBe("pkg:golang/gopkg.in/yaml.v2@v2.4.0");
  });

  it("applies replace directives, exact versions before path-wide ones", () => {
    expect(list(run("replace-one/go.mod").packages)).toEqual(["example.com/fork/net@v1.4.5"]);
    expect(list(run("replace-different/go.mod").packages)).toEqual(["example.com/fork/foe@v1.4.2", "example.com/fork/foe@v1.4.5"]);
    expect(list(run("replace-mixed/go.mod").packages)).toEqual(["example.com/fork/net@v1.4.5", "golang.org/x/net@v0.5.6"]);
    expect(list(run("replace-no-version/go.mod").packages)).toEqual(["example.com/fork/net@v1.4.5", "example.com/fork/net@v1.4.5"]);
    expect(list(run("replace-not-required/go.mod").packages)).toEqual(["github.com/BurntSushi/toml@v1.0.0", "golang.org/x/net@v0.5.6"]);
    const one = run("replace-one/go.mod").packages[0]!;
    expect(one.metadata).toEqual({ replaces: "golang.org/x/net@v1.2.3" });
    const syft = finalize(run("syft-replacements/go.mod").packages);
    expect(syft.map((p) => `${p.name}@${p.version}`)).toEqual(["golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c", "rsc.io/quote@v1.5.2", "rsc.io/sampler@v1.3.1"]);
    expect(syft[2]!.metadata).toEqual({ indirect: "true", replaces: "rsc.io/sampler@v1.3.0" });
  });

  it("keeps the module path for local directory replacements", () => {
    const pkgs = finalize(run("replace-local/go.mod").packages);
    expect(pkgs.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual([
      "github.com/BurntSushi/toml@v1.0.0 pkg:golang/github.com/BurntSushi/toml@v1.0.0",
      "golang.org/x/net@(devel) pkg:golang/golang.org/x/net",
    ]);
    expect(pkgs[1]!.metadata).toEqual({ replacedBy: "./fork/net", requiredVersion: "v1.2.3" });
  });

  it("handles empty and non-go.mod files", () => {
    expect(run("empty/go.mod").packages).toEqual([]);
    const bad = run("not-go-mod/go.mod");
    expect(bad.packages).toEqual([]);
    expect(bad.errors![0]).toMatch(/unknown directive "this"/);
    const odd = parseGoMod('require (\n\t"example.com/q" v1.0.0 // indirect; other\n\tbroken\n)\nrequire ()\nreplace x => \n');
    expect(odd.requires).toEqual([{ path: "example.com/q", version: "v1.0.0", indirect: true }]);
    expect(odd.errors).toEqual(["line 3: malformed require", "line 6: malformed replace"]);
  });

  it("reads go.sum only where no go.mod produced packages", () => {
    const mod = run("syft-hashes/go.mod").packages;
    const sumBeside = run("syft-hashes/go.sum").packages;
    const sumAlone = run("sum-only/go.sum").packages;
    expect(list(sumAlone)).toEqual([
      "github.com/CycloneDX/cyclonedx-go@v0.7.0",
      "github.com/acarl005/stripansi@v0.0.0-20180116102854-5a71ef0e047d",
      "github.com/mgutz/ansi@v0.0.0-20200706080929-d51e80ef957d",
    ]);
    const all = finalize([...mod, ...sumBeside, ...sumAlone]);
    expect(all.filter((p) => p.locations[0]!.path === "/app/syft-hashes/go.sum")).toEqual([]);
    expect(all.filter((p) => p.locations[0]!.path === "/app/sum-only/go.sum")).toHaveLength(3);
    expect(all.find((p) => p.locations[0]!.path === "/app/syft-hashes/go.mod" && p.name.includes("cyclonedx"))!.version).toBe("v0.6.0");
  });

  it("orders go.sum versions by semver and reports garbage lines", () => {
    const r = gomodAnalyzer.analyze({
      path: "x/go.sum",
      content: Buffer.from("a.io/m v1.10.0 h1:x=\na.io/m v1.9.0 h1:y=\na.io/m v1.11.0-rc.1 h1:z=\na.io/m v2.0.0/go.mod h1:w=\nnot a line\n"),
      mode: 0,
    }) as { packages: Package[]; errors: string[] };
    expect(r.packages.map((p) => p.version)).toEqual(["v1.11.0-rc.1"]);
    expect(r.errors).toEqual(["x/go.sum: 1 of 5 lines are not go.sum entries"]);
    expect(compareSemver("v1.0.0-rc.1", "v1.0.0")).toBeLessThan(0);
    expect(compareSemver("v0.0.0-20200101-abc", "v0.0.0-20190101-abc")).toBeGreaterThan(0);
  });
});
