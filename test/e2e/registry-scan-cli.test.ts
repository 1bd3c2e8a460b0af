// `bulwark registry scan` as a process, against a real registry with htpasswd auth: the JSON
// shape, the table, --full against `bulwark scan --format json`, --output-dir, --exit-code, and
// one-line errors (exit 1 for an unreachable registry, 2 for bad flags) that never show a password.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { importPaths } from "../../src/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage, type BuiltImage } from "../support/image-builder.js";
import { freePort, REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-regscan-cli-"));
const DB = join(work, "advisories.db");

function bulwark(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", input, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(missingTool("registry scan CLI tests", REGISTRY_AUTH_TOOLS) !== undefined || !existsSync(BIN))("registry scan CLI", () => {
  let reg: RegistryServer;
  let a: BuiltImage;
  const user = { user: "ci", password: "Reg-s3cret-42" };
  const auth = ["--username", user.user, "--password-stdin"];
  const vuln = ["--db", DB, "--offline"];

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: user });
    const base = { createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] };
    a = await buildImage({ layers: [base, { createdBy: "COPY a", entries: [{ path: "srv/a", content: "a\n" }] }] });
    const b = await buildImage({ layers: [base, { createdBy: "COPY b", entries: [{ path: "srv/b", content: "b\n" }] }] });
    const creds = { username: user.user, password: user.password };
    await pushImage(`${reg.host}/team/a:1.0`, a, creds);
    await pushImage(`${reg.host}/team/a:latest`, a, creds);
    await pushImage(`${reg.host}/team/b:2.0`, b, creds);
    mkdirSync(join(work, "osv"));
    writeFileSync(join(work, "osv", "T.json"), JSON.stringify({
      id: "TEST-ZLIB-2", modified: "2026-01-01T00:00:00Z",
      affected: [{ package: { ecosystem: "Debian:12", name: "zlib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:1.3.dfsg-1" }] }] }],
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    }));
    await importPaths(DB, [join(work, "osv")]);
  }, 60_000);
  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("--format json: the documented shape, --full equal to scan --format json", () => {
    const r = bulwark(["registry", "scan", reg.host, ...auth, ...vuln, "--format", "json", "--full", "-q"], user.password);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["registry", "images", "errors"]);
    expect(out.registry).toBe(reg.host);
    expect(out.errors).toEqual([]);
    expect(out.images.map((i: { repository: string; tags: string[] }) => `${i.repository}:${i.tags.join(",")}`)).toEqual(["team/a:1.0,latest", "team/b:2.0"]);
    const ia = out.images[0];
    expect(ia).toMatchObject({ digest: a.manifest.digest, platform: "linux/amd64" });
    expect(Object.keys(ia.summary)).toEqual(["packages", "vulnerabilities"]);
    expect(Object.keys(ia.summary.vulnerabilities)).toEqual(["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"]);
    expect(ia.summary.packages).toBe(ia.report.packages.length);
    expect(ia.summary.vulnerabilities.CRITICAL).toBe(ia.report.vulnerabilities.filter((v: { severity: string }) => v.severity === "CRITICAL").length);
    expect(ia.summary.vulnerabilities.CRITICAL).toBeGreaterThan(0);
    const single = bulwark(["scan", `registry:${reg.host}/team/a@${a.manifest.digest}`, ...auth, ...vuln, "--format", "json", "-q"], user.password);
    expect(single.code, single.stderr).toBe(0);
    const strip = (rep: { artifact: { target?: string } }) => ({ ...rep, artifact: { ...rep.artifact, target: "" } });
    expect(strip(ia.report)).toEqual(strip(JSON.parse(single.stdout)));
    expect(r.stdout).not.toContain(user.password);
  }, 60_000);

  it("table: one row per repository:tag; -o and --output-dir write files; --exit-code gates", () => {
    const outFile = join(work, "table.txt");
    const dir = join(work, "reports");
    const r = bulwark(["registry", "scan", reg.host, ...auth, ...vuln, "-o", outFile, "--output-dir", dir, "--exit-code", "3", "-q"], user.password);
    expect(r.code, r.stderr).toBe(3);
    const lines = readFileSync(outFile, "utf8").split("\n");
    const header = lines.findIndex((l) => l.startsWith("IMAGE"));
    expect(lines[header]).toMatch(/^IMAGE\s+DIGEST\s+PLATFORM\s+OS\s+PACKAGES\s+CRITICAL\s+HIGH\s+MEDIUM\s+LOW\s+UNKNOWN$/);
    const rows = lines.slice(header + 1).filter(Boolean).map((l) => l.split(/\s+/)[0]);
    expect(rows).toEqual(["team/a:1.0", "team/a:latest", "team/b:2.0"]);
    expect(lines[header + 1]).toContain(a.manifest.digest.slice(7, 19));
    expect(readdirSync(dir).sort()).toHaveLength(2);
    expect(readdirSync(dir)).toContain(`${a.manifest.digest.replace(":", "-")}.json`);
    // No vulnerability at the chosen severity: exit 0.
    expect(bulwark(["registry", "scan", reg.host, ...auth, ...vuln, "--severity", "LOW", "--exit-code", "3", "-q"], user.password).code).toBe(0);
  }, 60_000);

  it.skipIf(missingTool("registry scan progress on a terminal", ["script"]) !== undefined)("progress on a terminal: repositories listed, images done/total; none with -q or without a terminal", () => {
    const cmd = (extra: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} registry scan ${reg.host} --username ${user.user} --password-stdin --scanners package -o /dev/null ${extra} < ${JSON.stringify(join(work, "pw"))}`;
    writeFileSync(join(work, "pw"), user.password);
    // script(1) runs the command on a pseudo-terminal; its output is what the terminal showed.
    const tty = spawnSync("script", ["-qec", cmd(""), "/dev/null"], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache") } });
    expect(tty.status, tty.stdout).toBe(0);
    expect(tty.stdout).toContain("repositories 2/2 listed");
    expect(tty.stdout).toMatch(/images 2\/2 done/);
    expect(tty.stdout).not.toContain(user.password);
    const quiet = spawnSync("script", ["-qec", cmd("-q"), "/dev/null"], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache") } });
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).not.toContain("listed");
    const piped = bulwark(["registry", "scan", reg.host, ...auth, "--scanners", "package", "-o", "/dev/null"], user.password);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe("");
  }, 60_000);

  it("packages no advisory was looked at for are said, gate --exit-code, and --allow-incomplete accepts them", async () => {
    // A database with PyPI advisories only: the images' Debian packages cannot be checked.
    const pypiOnly = join(work, "pypi.db");
    mkdirSync(join(work, "osv-pypi"));
    writeFileSync(join(work, "osv-pypi", "P.json"), JSON.stringify({ id: "TEST-PY-1", modified: "2026-01-01T00:00:00Z", affected: [{ package: { ecosystem: "PyPI", name: "x" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1" }] }] }] }));
    await importPaths(pypiOnly, [join(work, "osv-pypi")]);
    const args = ["registry", "scan", reg.host, ...auth, "--db", pypiOnly, "--offline"];
    const plain = bulwark([...args, "--format", "json", "-q"], user.password);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).images.map((i: { unchecked?: number }) => i.unchecked)).toEqual([BASE_PKGS.length, BASE_PKGS.length]);
    expect(plain.stderr).toMatch(/warning: 2 images have packages that were not checked/);
    const gated = bulwark([...args, "--exit-code", "4"], user.password);
    expect(gated.code).toBe(4);
    expect(gated.stderr).toMatch(/pass --allow-incomplete/);
    expect(bulwark([...args, "--exit-code", "4", "--allow-incomplete"], user.password).code).toBe(0);
  }, 60_000);

  it("errors: unreachable registry exits 1, bad flags exit 2, a wrong password is never shown", async () => {
    const port = await freePort();
    const down = bulwark(["registry", "scan", `127.0.0.1:${port}`, "--scanners", "package"]);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(down.stderr).toMatch(/^bulwark: cannot reach 127\.0\.0\.1/);
    const bad = bulwark(["registry", "scan", reg.host, "--since", "3 parsecs"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^bulwark: invalid duration/);
    expect(bulwark(["registry", "scan", "not a host!"]).code).toBe(2);
    const nodb = bulwark(["registry", "scan", reg.host, "--db", join(work, "missing.db"), "--offline"]);
    expect(nodb.code).toBe(1);
    expect(nodb.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^bulwark: no advisory database at .*missing\.db/)]);
    const wrong = bulwark(["registry", "scan", reg.host, "--username", user.user, "--password-stdin", "--scanners", "package"], "Wrong-pass-99\n");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/authentication failed/);
    expect(wrong.stderr + wrong.stdout).not.toContain("Wrong-pass-99");
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
