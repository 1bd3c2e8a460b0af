import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../../../test/support/upstream.js";
import { composerLockAnalyzer, wantedPath } from "./index.js";

const fixture = (p: string): Buffer => readFileSync(new URL(`./testdata/${p}`, import.meta.url));
const osvDir = fixturePath("osv-scanner-v1-pkg-lockfile/pkg/lockfile/fixtures/composer/");
async function run(path: string, content: Buffer = fixture(path)) {
  const r = (await composerLockAnalyzer.analyze({ path, content, mode: 0o644 }))!;
  const pkgs = composerLockAnalyzer.finalize!(r.packages ?? [], { os: null, owners: new Map() });
  return { errors: r.errors, pkgs, short: pkgs.map((p) => `${p.name}@${p.version}${p.dev ? " dev" : ""}`) };
}

describe("composer-lock analyzer", () => {
  it("wants composer.lock outside vendored trees", () => {
    expect(wantedPath("composer.lock")).toBe(true);
    expect(wantedPath("var/www/app/composer.lock")).toBe(true);
    expect(wantedPath("app/tests/fixtures/composer.lock")).toBe(false);
    expect(wantedPath("app/composer.json")).toBe(false);
  });

  it("reads packages and packages-dev", async () => {
    const r = await run("app/composer.lock");
    expect(r.short).toEqual(["adoy/fastcgi-client@1.0.2", "alcaeus/mongo-php-adapter@1.1.11", "behat/gherkin@v4.6.2 dev", "codeception/codeception@4.1.6 dev"]);
    expect(r.pkgs[2]).toMatchObject({ purl: "pkg:composer/behat/gherkin@v4.6.2", licenses: ["MIT"], locations: [{ path: "/app/composer.lock" }] });
    expect((await run("sentry/composer.lock")).short).toEqual(["sentry/sdk@2.0.4", "theseer/tokenizer@1.1.3"]);
  });

  it("reads the osv-scanner fixtures and reports non-JSON", async () => {
    const out: Record<string, string[] | string> = {};
    for (const f of readdirSync(osvDir)) {
      const r = await run("composer.lock", readFileSync(osvDir + f));
      out[f] = r.errors ? "error" : r.short;
    }
    expect(out).toMatchObject({ "empty.json": [], "not-json.txt": "error", "one-package-dev.json": ["sentry/sdk@2.0.4 dev"], "one-package.json": ["sentry/sdk@2.0.4"] });
    expect((await run("composer.lock", Buffer.from("[]"))).errors![0]).toMatch(/not a JSON object/);
  });
});
