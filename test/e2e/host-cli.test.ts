// `bulwark host` as a process: fixture roots (exit codes, JSON/SARIF), bad input, and the live
// host this test runs on (no crash without Docker; a running "dockerd" is read from /proc).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sarifErrors } from "../../src/report/sarif/test-support/sarif-schema.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-hostcli-"));
const NO_DB = ["--offline", "--db", join(work, "none.sqlite")];

function bulwark(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache") }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!existsSync(BIN))("bulwark host (CLI)", () => {
  it("reports a fixture root as JSON, SARIF and a table; --exit-code gates on findings", () => {
    const root = join(work, "bad");
    cpSync(join(FIXTURES, "host/bad"), root, { recursive: true, verbatimSymlinks: true });
    chmodSync(join(root, "etc/docker/daemon.json"), 0o666);
    const j = bulwark(["host", "--root", root, "--format", "json", ...NO_DB]);
    expect(j.code, j.stderr).toBe(0);
    const rep = JSON.parse(j.stdout) as { root: string; live: boolean; findings: { ruleId: string; evidence: string[]; references: { cis?: string } }[]; results: { ruleId: string; status: string }[]; runtimes: unknown[] };
    expect(rep.root).toBe(root);
    expect(rep.live).toBe(false);
    const icc = rep.findings.find((f) => f.ruleId === "BW-HOST-010")!;
    expect(icc.evidence[0]).toBe('/etc/docker/daemon.json line 2: "icc": true');
    expect(icc.references.cis).toBe("CIS Docker 2.2");
    expect(rep.findings.find((f) => f.ruleId === "BW-HOST-038")!.evidence[0]).toMatch(/daemon.json: file mode 0666/);
    const s = bulwark(["host", "--root", root, "--format", "sarif", ...NO_DB]);
    const sarif = JSON.parse(s.stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(rep.findings.map((f) => f.ruleId).sort());
    const t = bulwark(["host", "--root", root, "--exit-code", "3", ...NO_DB]);
    expect(t.code).toBe(3);
    expect(t.stdout).toContain("BW-HOST-012");
    const good = bulwark(["host", "--root", join(FIXTURES, "host-runtimes/debian12"), "--exit-code", "3", "--no-runtimes", ...NO_DB]);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toContain("No findings.");
  });

  it("fails with one line on a bad --root", () => {
    const r = bulwark(["host", "--root", join(work, "missing")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no such directory/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("checks the live host it runs on without crashing, in agreement with dpkg", () => {
    const r = bulwark(["host", "--format", "json", ...NO_DB]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { live: boolean; results: { ruleId: string; status: string }[]; runtimes: { component: string; version: string; source: string; package?: string }[]; summary: { rules: number } };
    expect(rep.live).toBe(true);
    expect(rep.results).toHaveLength(rep.summary.rules);
    expect(rep.results.filter((x) => x.status === "error")).toEqual([]);
    // What dpkg itself says is installed is what the inventory reports from the OS packages.
    const dpkg = spawnSync("dpkg-query", ["-W", "-f", "${Package} ${Version} ${db:Status-Status}\\n", "runc", "podman", "crun", "containerd", "docker.io", "kubelet"], { encoding: "utf8" });
    if (dpkg.status !== null && !dpkg.error) {
      const installed = dpkg.stdout.split("\n").filter((l) => l.endsWith(" installed")).map((l) => l.split(" ").slice(0, 2).join(" ")).sort();
      const fromOs = rep.runtimes.filter((c) => c.source === "os-package").map((c) => `${c.package} ${c.version}`).sort();
      expect(fromOs).toEqual(installed);
    }
  });

  it("reads a running dockerd's flags from /proc on the live host", async () => {
    const dir = join(work, "proc");
    execFileSync("mkdir", ["-p", dir]);
    const fake = join(dir, "dockerd");
    // A shell script named dockerd: its process's comm is "dockerd", its cmdline carries the flags.
    writeFileSync(fake, "#!/bin/sh\nsleep 60\n", { mode: 0o755 });
    const child = spawn(fake, ["-H", "tcp://127.0.0.1:2375", "--icc=true", "--insecure-registry", "10.9.8.7:5000"], { stdio: "ignore", detached: true });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const r = bulwark(["host", "--format", "json", "--no-runtimes"]);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as { findings: { ruleId: string; path: string; evidence: string[]; message: string }[] };
      const icc = rep.findings.find((f) => f.ruleId === "BW-HOST-010" && f.path === `/proc/${child.pid}/cmdline`);
      expect(icc, JSON.stringify(rep.findings.filter((f) => f.ruleId === "BW-HOST-010"))).toBeDefined();
      expect(icc!.evidence[0]).toBe(`dockerd --icc=true (/proc/${child.pid}/cmdline)`);
      expect(rep.findings.some((f) => f.ruleId === "BW-HOST-012" && f.message.includes("tcp://127.0.0.1:2375"))).toBe(true);
      expect(rep.findings.some((f) => f.ruleId === "BW-HOST-011" && f.message.includes("10.9.8.7:5000"))).toBe(true);
    } finally {
      // Its own process group (detached): the shell and its sleep end together.
      process.kill(-child.pid!, "SIGKILL");
    }
  });
});
