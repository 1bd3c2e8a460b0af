// A scan that could not check packages must not look clean: the bundled sample (Debian 12 plus
// a Python venv) against advisory sources without Debian records, through the CLI bundle.
// - examples/osv-mirror: a real local mirror that has PyPI only (its Debian/all.zip is missing);
// - http://127.0.0.1:<closed port>: a repository that cannot be reached at all.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const BIN = join(root, "dist/bulwark.mjs");
const SAMPLE = join(root, "examples/sample-image.tar");
const MIRROR = join(root, "examples/osv-mirror");
const work = mkdtempSync(join(tmpdir(), "bw-unchecked-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Unchecked {
  ecosystem: string;
  packages: number;
  reason: string;
  cause: string;
}

function bulwark(args: string[], db: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: work, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), BULWARK_DB: db, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A port on which nothing listens: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const GATE = "bulwark: 33 packages were not checked for vulnerabilities (Debian:12); pass --allow-incomplete to accept incomplete results\n";
const ACCEPTED = "bulwark: incomplete results accepted (--allow-incomplete): 33 packages not checked\n";

describe.skipIf(!existsSync(BIN))("scans that could not check every package", () => {
  // The DB as the README's first scan leaves it: PyPI from the mirror, no Debian.
  const db = join(work, "mirror.sqlite");
  let unreachable = "";
  beforeAll(async () => {
    unreachable = `http://127.0.0.1:${await closedPort()}`;
  });

  it("a mirror without Debian: the headline counts the packages not checked and says why", () => {
    const r = bulwark(["scan", SAMPLE, "--db-repository", MIRROR], db);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("WARNING:"));
    expect(lines[at]).toBe(`WARNING: 33 of 35 packages were NOT checked for vulnerabilities (no Debian:12 advisories in the database: download failed: ${join(MIRROR, "Debian/all.zip")} not found)`);
    // It opens the vulnerability section, before the jinja2 findings of the packages checked.
    expect(lines[at - 2]).toMatch(/^Layers: 3$/);
    expect(lines.findIndex((l) => l.startsWith("PACKAGE "))).toBeGreaterThan(at);
    expect(r.stdout).toContain("\n35 packages (deb 33, pypi 2); 33 NOT checked for vulnerabilities (Debian:12)\n");
    expect(r.stdout).not.toContain("No vulnerabilities found.");
    // Without --exit-code the exit stays 0, and stderr says it too.
    expect(r.stderr).toContain("bulwark: warning: 33 of 35 packages were not checked for vulnerabilities (no Debian:12 advisories in the database: download failed: ");
  });

  it("JSON carries the unchecked ecosystems", () => {
    const r = bulwark(["scan", SAMPLE, "--db-repository", MIRROR, "--format", "json", "-q"], db);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { unchecked: Unchecked[]; vulnerabilities: unknown[]; errors: { message: string }[] };
    expect(report.unchecked).toEqual([
      { ecosystem: "Debian:12", packages: 33, reason: `no Debian:12 advisories in the database: download failed: ${join(MIRROR, "Debian/all.zip")} not found`, cause: "advisories-missing" },
    ]);
    expect(report.vulnerabilities).toHaveLength(3);
    // Said once, in `unchecked`, not again as a warning.
    expect(report.errors.filter((e) => /Debian/.test(e.message))).toEqual([]);
  });

  it("packages no advisory source covers are reported but do not fail the gate", () => {
    // A CycloneDX SBOM with a PyPI package (advisories in the DB) and a generic runtime (none exist).
    const sbom = join(work, "runtime.cdx.json");
    writeFileSync(sbom, JSON.stringify({
      bomFormat: "CycloneDX", specVersion: "1.6", version: 1,
      components: [
        { type: "library", name: "markupsafe", version: "2.1.5", purl: "pkg:pypi/markupsafe@2.1.5" },
        { type: "application", name: "node", version: "20.11.1", purl: "pkg:generic/node@20.11.1" },
      ],
    }));
    bulwark(["db", "import", join(MIRROR, "PyPI", "all.zip")], db);
    const r = bulwark(["scan", `sbom:${sbom}`, "--offline", "--format", "json", "--exit-code", "1"], db);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { unchecked: Unchecked[] }).unchecked).toEqual([
      { ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" },
    ]);
    expect(r.stderr).toBe("bulwark: warning: 1 of 2 packages were not checked for vulnerabilities (no advisory source for generic packages (node))\n");
  });

  it("--exit-code fails a scan that left packages unchecked unless --allow-incomplete", () => {
    // No CRITICAL findings: only the unchecked packages can fail the gate.
    const gate = ["scan", SAMPLE, "--offline", "--severity", "CRITICAL", "--format", "json", "-o", join(work, "gate.json")];
    const failed = bulwark([...gate, "--exit-code", "1"], db);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(GATE);
    // The report was written before the exit.
    expect(existsSync(join(work, "gate.json"))).toBe(true);
    const accepted = bulwark([...gate, "--exit-code", "1", "--allow-incomplete"], db);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toBe(ACCEPTED);
    // The gate still counts vulnerabilities.
    const vulnerable = bulwark(["scan", SAMPLE, "--offline", "--exit-code", "3", "--allow-incomplete", "-q"], db);
    expect(vulnerable.code).toBe(3);
    expect(vulnerable.stderr).toBe(ACCEPTED);
    // A table on stdout gets the same gate.
    const table = bulwark(["scan", SAMPLE, "--offline", "--severity", "CRITICAL", "--exit-code", "1"], db);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("No vulnerabilities found in the 2 packages checked.\n");
    expect(table.stderr).toBe(GATE);
  });

  it("--offline and --skip-db-update say the advisories were not downloaded", () => {
    for (const flag of ["--offline", "--skip-db-update"]) {
      const r = bulwark(["scan", SAMPLE, flag, "--format", "json"], db);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { unchecked: Unchecked[] }).unchecked).toEqual([
        { ecosystem: "Debian:12", packages: 33, reason: `no Debian:12 advisories in the database: not downloaded under ${flag}`, cause: "advisories-missing" },
      ]);
      expect(r.stderr).toContain(`bulwark: warning: 33 of 35 packages were not checked for vulnerabilities (no Debian:12 advisories in the database: not downloaded under ${flag})\n`);
    }
  });

  it("SARIF and CycloneDX carry it too", () => {
    const sarif = JSON.parse(bulwark(["scan", SAMPLE, "--offline", "--format", "sarif", "-q"], db).stdout);
    expect(sarif.runs[0].invocations[0]).toMatchObject({
      executionSuccessful: true,
      toolExecutionNotifications: [{ level: "warning", properties: { ecosystem: "Debian:12", packages: 33 } }],
    });
    const cdx = JSON.parse(bulwark(["scan", SAMPLE, "--offline", "--format", "cyclonedx-json", "-q"], db).stdout);
    expect(cdx.metadata.properties).toContainEqual({ name: "bulwark:unchecked:packages", value: "33" });
  });

  it("an unreachable repository: what the DB lacks is unchecked, what it has is used with a warning", () => {
    const r = bulwark(["scan", SAMPLE, "--db-repository", unreachable, "--format", "json"], db);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { unchecked: Unchecked[]; vulnerabilities: unknown[] };
    expect(report.unchecked).toHaveLength(1);
    expect(report.unchecked[0]).toMatchObject({ ecosystem: "Debian:12", packages: 33 });
    expect(report.unchecked[0]!.reason).toMatch(new RegExp(`^no Debian:12 advisories in the database: download failed: GET ${unreachable}/Debian/all\\.zip failed after \\d+ attempts: .*ECONNREFUSED`));
    expect(report.vulnerabilities).toHaveLength(3);
    expect(r.stderr).toMatch(/could not update PyPI advisories: .*\(using the existing ones\)/);
  });

  it("a first run without a database and a failed download is an error that says why", () => {
    const dir = mkdtempSync(join(work, "first-"));
    const fresh = join(dir, "advisories.sqlite");
    const out = join(dir, "report.json");
    const r = bulwark(["scan", SAMPLE, "--db-repository", unreachable, "--exit-code", "1", "-o", out], fresh);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^bulwark: no advisory database at ${fresh}: downloading Debian, PyPI advisories failed \\(GET ${unreachable}/Debian/all\\.zip failed after \\d+ attempts: .*ECONNREFUSED.*\\); check the network and --db-repository`));
    // Neither a report nor an empty database is left behind (only the writers' lock file).
    expect(readdirSync(dir).filter((f) => !f.endsWith(".lock"))).toEqual([]);
  });
});
