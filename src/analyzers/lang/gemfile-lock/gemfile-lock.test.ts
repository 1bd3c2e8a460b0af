import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../../test/support/upstream.js";
import { gemfileLockAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const osvDir = fixturePath("osv-scanner-v1-pkg-lockfile/pkg/lockfile/fixtures/bundler/");

async function run(path: string, content: Buffer = fixture(path)) {
  const r = (await gemfileLockAnalyzer.analyze({ path, content, mode: 0o644 }))!;
  return gemfileLockAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() });
}

describe("gemfile-lock analyzer", () => {
  it("wants Gemfile.lock and its variants outside vendored trees", () => {
    for (const p of ["Gemfile.lock", "srv/app/Gemfile.lock", "app/Gemfile.next.lock", "app/gems.locked"]) expect(wantedPath(p), p).toBe(true);
    for (const p of ["Gemfile", "app/node_modules/x/Gemfile.lock", "spec/fixtures/Gemfile.lock", "app/MyGemfile.lock"]) expect(wantedPath(p), p).toBe(false);
  });

  it("reads GEM, GIT and PATH specs and skips unknown sections", async () => {
    const pkgs = await run("rails-app/Gemfile.lock");
    expect(pkgs).toHaveLength(52);
    expect(pkgs.find((p) => p.name === "bad-entry")).toBeUndefined();
    expect(pkgs.find((p) => p.name === "arel")).toMatchObject({ version: "5.0.1.20140414130214", purl: "pkg:gem/arel@5.0.1.20140414130214", type: "gem" });
    expect(pkgs.find((p) => p.name === "google-cloud-errors")!.metadata).toEqual({ source: "path", remote: "../google-cloud-errors" });
    expect(pkgs.find((p) => p.name === "turbolinks")!.metadata).toEqual({
      source: "git",
      remote: "https://github.com/rails/turbolinks.git",
      revision: "80216ce9d89920bf073709405e3fce6d0a3ccd9a",
    });
    expect(pkgs[0]!.locations).toEqual([{ path: "/rails-app/Gemfile.lock" }]);
    // dependency lines (six spaces) are not packages
    expect(pkgs.filter((p) => p.name === "actionview")).toHaveLength(1);
  });

  it("splits the platform off the version", async () => {
    const pkgs = await run("local-gem/Gemfile.lock");
    expect(pkgs.find((p) => p.name === "nokogiri")).toMatchObject({ version: "1.13.3", purl: "pkg:gem/nokogiri@1.13.3", metadata: { platforms: "x86_64-linux" } });
    expect(pkgs.find((p) => p.name === "eco-source")!.version).toBe("1.1.0.rc.1");
    expect(pkgs).toHaveLength(30);
    const multi = await run("Gemfile.lock", Buffer.from("GEM\n  remote: https://rubygems.org/\n  specs:\n    ffi (1.17.0-arm64-darwin)\n    ffi (1.17.0-x86_64-linux-gnu)\n    ffi (1.17.0)\n"));
    expect(multi.map((p) => [p.version, p.metadata])).toEqual([["1.17.0", { platforms: "arm64-darwin,x86_64-linux-gnu" }]]);
  });

  it("reads git gems with their revision", async () => {
    const pkgs = await run("hanami-app/Gemfile.lock");
    expect(pkgs.map((p) => `${p.name}@${p.version}${p.metadata?.["revision"] ? " " + p.metadata["revision"].slice(0, 7) : ""}`)).toEqual([
      "concurrent-ruby@1.1.7",
      "hanami-controller@2.0.0.alpha1 027dbe2",
      "hanami-utils@2.0.0.alpha1 5904fc9",
      "rack@2.2.3",
      "transproc@1.1.1",
    ]);
  });

  it("reads every osv-scanner bundler fixture", async () => {
    const counts: Record<string, number> = {};
    for (const f of readdirSync(osvDir)) counts[f] = (await run("Gemfile.lock", readFileSync(osvDir + f))).length;
    expect(counts).toMatchObject({ "no-gem-section.lock": 0, "no-gems.lock": 0, "no-spec-section.lock": 0, "one-gem.lock": 1, "some-gems.lock": 3, "multiple-gems.lock": 6 });
  });

  it("survives garbage", async () => {
    expect(await run("Gemfile.lock", Buffer.from("\x00\xff GEM\n  specs:\n    (\n    a (\n"))).toEqual([]);
    const big = Buffer.from("GEM\n  specs:\n" + "    a (1)\n".repeat(300_000));
    expect(await run("Gemfile.lock", big)).toHaveLength(1);
  });
});
