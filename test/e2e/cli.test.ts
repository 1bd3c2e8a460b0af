// The CLI as users and scripts see it: exit codes, one-line errors, outputs. Runs the built
// bin (npm test builds first).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const SAMPLE = new URL("../../examples/sample-image.tar", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bulwark(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!existsSync(BIN))("bulwark CLI", () => {
  it("prints its version", () => {
    const r = bulwark("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });

  it("writes every format for the sample image", () => {
    for (const format of ["json", "cyclonedx-json", "spdx-json", "table"]) {
      const r = bulwark("sbom", SAMPLE, "--format", format);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      if (format !== "table") expect(() => JSON.parse(r.stdout)).not.toThrow();
      expect(r.stdout).toContain("zlib1g");
    }
    const scanJson = JSON.parse(bulwark("scan", SAMPLE, "--scanners", "package", "--format", "json", "--quiet").stdout);
    expect(scanJson.schemaVersion).toBe(1);
    expect(scanJson.vulnerabilities).toEqual([]);
  });

  it("writes -o files atomically and deterministically", () => {
    const out = join(work, "sbom.json");
    expect(bulwark("sbom", SAMPLE, "--format", "spdx-json", "-o", out).code).toBe(0);
    const first = readFileSync(out, "utf8");
    expect(bulwark("sbom", SAMPLE, "--format", "spdx-json", "-o", out, "--no-cache").code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(first);
    expect(readdirSync(work).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails with exit 2 and one clean line on bad input, writing nothing", () => {
    const junk = join(work, "junk.tar");
    writeFileSync(junk, "this is not an image");
    const out = join(work, "never.json");
    for (const args of [["sbom", junk, "-o", out], ["sbom", "./missing.tar"], ["sbom", "oci:/no/such/dir"], ["scan", SAMPLE, "--platform", "bogus"]]) {
      const r = bulwark(...args);
      expect(r.code, args.join(" ")).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^bulwark: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(out)).toBe(false);
    const dbg = bulwark("sbom", junk, "--debug");
    expect(dbg.code).toBe(2);
    expect(dbg.stderr).toMatch(/\n\s+at /);
  });

  it("rejects unknown formats and scanners with exit 2", () => {
    expect(bulwark("sbom", SAMPLE, "--format", "xml").code).toBe(2);
    expect(bulwark("scan", SAMPLE, "--scanners", "nope").code).toBe(2);
    expect(bulwark("frobnicate").code).toBe(2);
  });

  // `bulwark … | head`: a reader that has gone away is not an error, and never a stack trace.
  // `| true` exits before node has started, so every write meets a closed pipe.
  it.skipIf(missingTool("closed-pipe test", "bash") !== undefined)("ends quietly with its own exit code when stdout's reader is gone", () => {
    const db = join(work, "none.db");
    for (const args of [["rules", "list"], ["rules", "list", "--format", "json"], ["db", "status", "--db", db], ["db", "status", "--db", db, "--format", "json"], ["sbom", SAMPLE, "--format", "json"]]) {
      const r = spawnSync("bash", ["-c", '"$@" | true; echo "${PIPESTATUS[0]}"', "bash", process.execPath, BIN, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache") } });
      expect(r.stderr, args.join(" ")).toBe("");
      expect(r.stdout.trim(), args.join(" ")).toBe("0");
    }
  });

  // The `bulwark` bin is the one-file bundle (dist/bulwark.mjs, built by scripts/postbuild.mjs);
  // every other test runs the module build. Both must give the same bytes.
  it("gives the same output from the bundled bin as from the module build", () => {
    const bundle = new URL("../../dist/bulwark.mjs", import.meta.url).pathname;
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { bin: { bulwark: string } };
    expect(new URL(`../../${pkg.bin.bulwark}`, import.meta.url).pathname).toBe(bundle);
    const manifests = join(work, "bundle-k8s");
    mkdirSync(manifests, { recursive: true });
    writeFileSync(join(manifests, "app.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n          securityContext: {privileged: true}\n");
    const run = (bin: string, args: string[]): { code: number; stdout: string; stderr: string } => {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache-bundle") } });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    for (const args of [["--version"], ["config", manifests, "--format", "sarif"], ["sbom", SAMPLE, "--format", "cyclonedx-json"], ["scan", SAMPLE, "--scanners", "vuln,secret,misconfig", "--db-repository", new URL("../../examples/osv-mirror", import.meta.url).pathname, "--db", join(work, "bundle.db"), "--format", "json"], ["rules", "list", "--format", "json"], ["frobnicate"]]) {
      const a = run(bundle, args);
      const b = run(BIN, args);
      expect(a.code, args.join(" ")).toBe(b.code);
      // CycloneDX serial numbers and timestamps differ per run; everything else must not.
      const stable = (s: string): string => s.replace(/urn:uuid:[0-9a-f-]+/g, "urn:uuid:X").replace(/"timestamp": "[^"]+"/g, '"timestamp": "X"');
      expect(stable(a.stdout), args.join(" ")).toBe(stable(b.stdout));
      expect(a.stderr, args.join(" ")).toBe(b.stderr);
    }
  });
});
