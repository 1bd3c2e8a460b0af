// The CLI against a real registry (Debian's docker-registry): the same image pushed with our own
// upload code and scanned by reference must give the same inventory as its archive.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { scan } from "../../src/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage, writeDockerArchive, type BuiltImage } from "../support/image-builder.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-regcli-"));

function bulwark(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", input, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(missingTool("CLI registry tests", REGISTRY_AUTH_TOOLS) !== undefined || !existsSync(BIN))("CLI with a real registry", () => {
  let reg: RegistryServer;
  let img: BuiltImage;
  const user = { user: "ci", password: "s3cret-Pa55" };

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: user });
    img = await buildImage({
      layers: [
        { createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] },
        { createdBy: "RUN apt-get install curl", entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus([...BASE_PKGS, { name: "curl", version: "7.88.1-10+deb12u8" }]) }] },
      ],
    }, "docker");
    await pushImage(`${reg.host}/team/app:1.0`, img, { username: user.user, password: user.password });
  });
  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("pulls by tag with --password-stdin and matches the archive scan", async () => {
    const r = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--format", "json", "--username", user.user, "--password-stdin", "-q"], user.password + "\n");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.artifact.type).toBe("registry");
    expect(report.artifact.digest).toBe(img.manifest.digest);
    const archive = join(work, "app.tar");
    await writeDockerArchive(archive, [img]);
    const local = await scan(archive, { noCache: true });
    expect(report.packages.map((p: { purl: string }) => p.purl)).toEqual(local.packages.map((p) => p.purl));
    expect(report.artifact.layers.map((l: { diffId: string }) => l.diffId)).toEqual(local.artifact.layers.map((l) => l.diffId));
  });

  it("reads credentials from a docker config.json", () => {
    const cfg = join(work, "cfg.json");
    writeFileSync(cfg, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${user.user}:${user.password}`).toString("base64") } } }));
    const r = bulwark(["scan", `registry:${reg.host}/team/app@${img.manifest.digest}`, "--scanners", "package", "--docker-config", cfg, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).packages).toHaveLength(4);
  });

  it("fails cleanly on a wrong password and on a missing tag, never echoing the password", () => {
    const bad = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--username", user.user, "--password-stdin"], "wrong-password-123\n");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/authentication failed/i);
    expect(bad.stderr).not.toContain("wrong-password-123");
    const missing = bulwark(["sbom", `${reg.host}/team/app:nope`, "--username", user.user, "--password-stdin"], user.password);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^bulwark: .*(manifest unknown|not found)/i);
  });
});
