import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../../test/support/upstream.js";
import { nugetLockAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const osvDir = fixturePath("osv-scanner-v1-pkg-lockfile/pkg/lockfile/fixtures/nuget/");
async function run(path: string, content: Buffer = fixture(path)) {
  const r = (await nugetLockAnalyzer.analyze({ path, content, mode: 0o644 }))!;
  const pkgs = nugetLockAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() });
  return { errors: r.errors, pkgs, short: pkgs.map((p) => `${p.name}@${p.version}`) };
}

describe("nuget-lock analyzer (packages.lock.json)", () => {
  it("wants packages.lock.json outside vendored trees", () => {
    expect(wantedPath("src/App/packages.lock.json")).toBe(true);
    expect(wantedPath("src/node_modules/x/packages.lock.json")).toBe(false);
    expect(wantedPath("src/App/packages.config")).toBe(false);
  });

  it("reads resolved versions across frameworks, one package per name and version", async () => {
    const r = await run("src/packages.lock.json");
    expect(r.short).toEqual([
      "AutoMapper@13.0.1",
      "bootstrap@5.0.0",
      "log4net@1.2.15",
      "log4net@2.0.5",
      "Microsoft.Extensions.DependencyInjection.Abstractions@9.0.0",
      "Microsoft.Extensions.Logging@9.0.0",
      "Microsoft.Extensions.Options@9.0.0",
      "Microsoft.Extensions.Primitives@9.0.0",
      "System.Runtime.CompilerServices.Unsafe@9.0.0",
    ]);
    expect(r.pkgs[0]).toMatchObject({ type: "nuget", purl: "pkg:nuget/AutoMapper@13.0.1", metadata: { frameworks: "net8.0" }, locations: [{ path: "/src/packages.lock.json" }] });
    expect((await run("net8-app/src/packages.lock.json")).pkgs).toHaveLength(51);
  });

  it("reads the osv-scanner fixtures", async () => {
    const out: Record<string, string[] | string> = {};
    for (const f of readdirSync(osvDir)) {
      const r = await run("packages.lock.json", readFileSync(osvDir + f));
      out[f] = r.errors ? "error" : r.short;
    }
    expect(out).toMatchObject({
      "empty.v1.json": [],
      "not-json.txt": "error",
      "one-framework-one-package.v1.json": ["Test.Core@6.0.5"],
      "two-frameworks-mixed-packages.v1.json": ["Test.Core@6.0.5", "Test.System@0.13.0-beta4", "Test.System@2.15.0"],
    });
  });

  it("skips project references and reports garbage", async () => {
    const doc = { version: 2, dependencies: { "net8.0": { Lib: { type: "Project" }, A: { type: "CentralTransitive", resolved: "1.0.0" }, B: { type: "Direct" }, C: null } } };
    expect((await run("packages.lock.json", Buffer.from(JSON.stringify(doc)))).short).toEqual(["A@1.0.0"]);
    expect((await run("packages.lock.json", Buffer.from("[]"))).errors![0]).toMatch(/no "dependencies"/);
  });
});
