// Cross-check of the status parser against the real dpkg-query, where this machine has one.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../../../../test/support/tools.js";
import { dpkgAnalyzer } from "./index.js";

const NO_DPKG_QUERY = missingTool("dpkg-query cross-checks", "dpkg-query", { "dpkg-query": ["--version"] });
const HOST_STATUS = "/var/lib/dpkg/status";
const TESTDATA = join(import.meta.dirname, "testdata");

// dpkg-query lists every package not purged; we keep the ones whose files are configured on disk.
const INSTALLED = new Set(["installed", "triggers-awaited", "triggers-pending"]);
const FORMAT = "${Package}|${Version}|${Architecture}|${source:Package}|${source:Version}|${db:Status-Status}\n";

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Installed packages as dpkg-query sees a copy of `statusFile` in an otherwise empty admindir. */
function dpkgQuery(statusFile: string): string[] {
  const admin = mkdtempSync(join(tmpdir(), "bulwark-dpkg-"));
  tempDirs.push(admin);
  mkdirSync(join(admin, "info"));
  mkdirSync(join(admin, "updates"));
  copyFileSync(statusFile, join(admin, "status"));
  const out = execFileSync("dpkg-query", [`--admindir=${admin}`, "-W", "-f", FORMAT], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"], // missing-Description warnings go to stderr
    maxBuffer: 256 * 1024 * 1024,
  });
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("|"))
    .filter((f) => INSTALLED.has(f[5] ?? ""))
    .map((f) => f.slice(0, 5).join("|"))
    .sort();
}

/** The same through the analyzer's public path. */
function ours(statusFile: string): string[] {
  const result = dpkgAnalyzer.analyze({ path: "var/lib/dpkg/status", content: readFileSync(statusFile), mode: 0o644 });
  if (result === null || result instanceof Promise) throw new Error("no result");
  return (result.packages ?? []).map((p) => [p.name, p.version, p.arch ?? "", p.source?.name, p.source?.version].join("|")).sort();
}

describe.skipIf(NO_DPKG_QUERY !== undefined)("agreement with dpkg-query", () => {
  for (const name of ["bookworm", "bookworm-arm64", "edge-cases", "mixed"]) {
    it(`fixture ${name}`, () => {
      const file = join(TESTDATA, name, "var/lib/dpkg/status");
      const expected = dpkgQuery(file);
      expect(expected.length).toBeGreaterThan(0);
      expect(ours(file)).toEqual(expected);
    });
  }

  it.skipIf(NO_DPKG_QUERY !== undefined || missingTool("dpkg-query cross-check of this machine's database", HOST_STATUS) !== undefined)("this machine's own dpkg database", () => {
    const expected = dpkgQuery(HOST_STATUS);
    const got = ours(HOST_STATUS);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
  });
});
