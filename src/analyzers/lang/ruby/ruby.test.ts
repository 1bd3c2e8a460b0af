import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingOnHost, missingTool } from "../../../../test/support/tools.js";
import { rubyAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const run = async (root: string, path: string) => (await rubyAnalyzer.analyze({ path, content: fixture(`${root}/${path}`), mode: 0o644 }))!;
const fin = (r: Awaited<ReturnType<typeof run>>) => rubyAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() });

describe("ruby analyzer", () => {
  it("wants gemspecs in specifications directories only", () => {
    for (const p of [
      "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
      "usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
      "usr/local/bundle/specifications/formatador-1.1.0.gemspec",
      "var/lib/gems/2.7.0/specifications/x-1.gemspec",
    ])
      expect(wantedPath(p), p).toBe(true);
    for (const p of ["app/mygem.gemspec", "usr/lib/ruby/gems/3.1.0/specifications/x/y/z.gemspec", "usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec"])
      expect(wantedPath(p), p).toBe(false);
  });

  it("reads Debian's installed and default gemspecs", async () => {
    const dir = "usr/lib/ruby/gems/3.1.0/specifications/";
    const minitest = fin(await run("debian", dir + "minitest-5.15.0.gemspec"));
    expect(minitest).toEqual([
      { type: "gem", name: "minitest", version: "5.15.0", purl: "pkg:gem/minitest@5.15.0", source: null, licenses: ["MIT"], locations: [{ path: "/" + dir + "minitest-5.15.0.gemspec" }] },
    ]);
    const json = fin(await run("debian", dir + "default/json-2.6.1.gemspec"));
    expect(json[0]).toMatchObject({ name: "json", version: "2.6.1", licenses: ["Ruby"], metadata: { defaultGem: "true" } });
    expect(fin(await run("debian", dir + "default/bundler-2.3.7.gemspec"))[0]!.purl).toBe("pkg:gem/bundler@2.3.7");
  });

  it("reads .freeze strings, %q{} strings, Gem::Version.new, platforms and stub lines", async () => {
    const f = fin(await run("bundle", "usr/local/bundle/specifications/formatador-1.1.0.gemspec"));
    expect(f[0]).toMatchObject({ name: "formatador", version: "1.1.0", licenses: ["MIT"] });
    const dir = "var/lib/gems/2.7.0/specifications/";
    const n = fin(await run("legacy", dir + "nokogiri-1.10.10-x86_64-linux.gemspec"));
    expect(n[0]).toMatchObject({ name: "nokogiri", version: "1.10.10", licenses: ["MIT"], purl: "pkg:gem/nokogiri@1.10.10", metadata: { platform: "x86_64-linux" } });
    expect(fin(await run("legacy", dir + "stubonly-0.1.0.gemspec"))[0]).toMatchObject({ name: "stubonly", version: "0.1.0" });
  });

  it("reports specs without name or version, and survives garbage", async () => {
    const r = await rubyAnalyzer.analyze({ path: "x/specifications/a.gemspec", content: Buffer.from("\x00\xff s.name = \"\n" + "s.x = '".repeat(100_000)), mode: 0 });
    expect(r!.errors![0]).toMatch(/no name\/version/);
  });

  it.skipIf(missingTool("gem list cross-check", ["ruby", "gem"]) !== undefined)("agrees with `gem list --local` on this machine's default gem dir", async (ctx) => {
    const gemdir = execFileSync("ruby", ["-e", "print Gem.default_dir"], { encoding: "utf8" });
    const specs = `${gemdir}/specifications`;
    const empty = missingOnHost("gem list cross-check", existsSync(specs), `${specs} does not exist (no gems installed there to compare)`);
    if (empty) return ctx.skip(empty);
    const env = { ...process.env, GEM_HOME: gemdir, GEM_PATH: gemdir };
    const listed = new Set<string>();
    for (const line of execFileSync("gem", ["list", "--local"], { encoding: "utf8", env }).split("\n")) {
      const m = /^(\S+) \((.*)\)$/.exec(line);
      if (!m) continue;
      for (const v of m[2]!.split(", ")) listed.add(`${m[1]}@${v.replace(/^default: /, "").split(" ")[0]}`);
    }
    const found = new Set<string>();
    for (const sub of ["", "default/"]) {
      if (!existsSync(`${specs}/${sub}`)) continue;
      for (const name of readdirSync(`${specs}/${sub}`).filter((n) => n.endsWith(".gemspec"))) {
        const path = `${specs}/${sub}${name}`.slice(1);
        expect(wantedPath(path)).toBe(true);
        const r = await rubyAnalyzer.analyze({ path, content: readFileSync("/" + path), mode: 0o644 });
        for (const p of r?.packages ?? []) found.add(`${p.name}@${p.version}`);
      }
    }
    expect([...found].sort()).toEqual([...listed].sort());
    expect(found.size).toBeGreaterThan(0);
  });
});
