// Vulnerability scanning from the CLI, offline, with the real OSV records bundled for the sample.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const BIN = join(root, "dist/src/cli/main.js");
const SAMPLE = join(root, "examples/sample-image.tar");
const MIRROR = join(root, "examples/osv-mirror");
const work = mkdtempSync(join(tmpdir(), "bw-vuln-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const DB = join(work, "advisories.sqlite");

function bulwark(args: string[], cwd = work): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), BULWARK_DB: DB } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!existsSync(BIN))("vulnerability scanning CLI", () => {
  it("db update from a local mirror, then status", () => {
    const u = bulwark(["db", "update", "--ecosystems", "PyPI", "--db-repository", MIRROR]);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/PyPI: full update, 6 records/);
    const s = bulwark(["db", "status", "--format", "json"]);
    expect(JSON.parse(s.stdout)).toMatchObject({ exists: true, records: 6, stale: false, ecosystems: [{ ecosystem: "PyPI", records: 6 }] });
  });

  it("finds the real jinja2 advisories, merged by alias, with fixes and layers", () => {
    const r = bulwark(["scan", SAMPLE, "--format", "json", "--offline"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const ids = report.vulnerabilities.map((v: { id: string }) => v.id).sort();
    expect(ids).toEqual(["CVE-2024-56201", "CVE-2024-56326", "CVE-2025-27516"]);
    const v = report.vulnerabilities.find((x: { id: string }) => x.id === "CVE-2025-27516");
    expect(v.aliases).toEqual(expect.arrayContaining(["GHSA-cpwx-vrp4-4pq7", "PYSEC-2026-1471"]));
    expect(v.fixedVersions).toEqual(["3.1.6"]);
    expect(v.installedVersion).toBe("3.1.4");
    expect(v.package.layer.createdBy).toMatch(/pip install jinja2/);
    // The mirror has no Debian records: those packages are reported as not checked.
    expect(report.unchecked).toEqual([{ ecosystem: "Debian:12", packages: 33, reason: "no Debian:12 advisories in the database: not downloaded under --offline", cause: "advisories-missing" }]);
    expect(r.stderr).toMatch(/33 of 35 packages were not checked for vulnerabilities/);
  });

  it("gates: --exit-code, --severity, --ignore-unfixed", () => {
    expect(bulwark(["scan", SAMPLE, "--offline", "--exit-code", "1", "-q"]).code).toBe(1);
    // The Debian packages are not checked (the mirror has no Debian records): accepted here, so
    // the gate counts only vulnerabilities (test/e2e/unchecked-cli.test.ts covers refusing them).
    expect(bulwark(["scan", SAMPLE, "--offline", "--exit-code", "1", "--severity", "CRITICAL", "--allow-incomplete", "-q"]).code).toBe(0);
    const high = JSON.parse(bulwark(["scan", SAMPLE, "--offline", "--severity", "HIGH", "--format", "json", "-q"]).stdout);
    expect(high.vulnerabilities.every((v: { severity: string }) => v.severity === "HIGH")).toBe(true);
    expect(bulwark(["scan", SAMPLE, "--offline", "--exit-code", "2"]).code).toBe(2);
    expect(bulwark(["scan", SAMPLE, "--offline", "--severity", "SEVERE"]).code).toBe(2);
  });

  it(".bulwarkignore suppresses by id or alias and expired entries warn", () => {
    const dir = mkdtempSync(join(work, "proj-"));
    writeFileSync(join(dir, ".bulwarkignore"), [
      "- id: GHSA-cpwx-vrp4-4pq7",
      "  reason: sandbox not used",
      "- id: CVE-2024-56201",
      "  reason: old waiver",
      "  expires: 2020-01-01",
      "",
    ].join("\n"));
    const r = bulwark(["scan", SAMPLE, "--offline", "--format", "json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.vulnerabilities.map((v: { id: string }) => v.id).sort()).toEqual(["CVE-2024-56201", "CVE-2024-56326"]);
    expect(report.suppressed).toHaveLength(1);
    expect(report.suppressed[0]).toMatchObject({ id: "CVE-2025-27516", suppression: { by: "ignore-file", reason: "sandbox not used" } });
    expect(r.stderr).toMatch(/expired/i);
  });

  it("writes SARIF and CycloneDX with vulnerabilities", () => {
    const sarif = JSON.parse(bulwark(["scan", SAMPLE, "--offline", "--format", "sarif", "-q"]).stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBe(3);
    const cdx = JSON.parse(bulwark(["scan", SAMPLE, "--offline", "--format", "cyclonedx-json", "-q"]).stdout);
    expect(cdx.vulnerabilities.length).toBe(3);
  });

  it("db import of a directory and an unreadable path", () => {
    const other = join(work, "imported.sqlite");
    const r = spawnSync(process.execPath, [BIN, "db", "import", join(MIRROR, "PyPI"), "--db", other], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported \d+ records/);
    const bad = spawnSync(process.execPath, [BIN, "db", "import", "/no/such/dir", "--db", other], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^bulwark: /);
  });

  it("scans an SBOM target for vulnerabilities", () => {
    const sbom = join(work, "sample.cdx.json");
    expect(bulwark(["sbom", SAMPLE, "-o", sbom]).code).toBe(0);
    const r = JSON.parse(bulwark(["scan", `sbom:${sbom}`, "--offline", "--format", "json", "-q"]).stdout);
    expect(r.vulnerabilities.map((v: { id: string }) => v.id).sort()).toEqual(["CVE-2024-56201", "CVE-2024-56326", "CVE-2025-27516"]);
  });
});
