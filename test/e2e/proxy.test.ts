// Pulling through a real HTTP proxy (Debian's tinyproxy), as users behind corporate proxies do:
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, with Go's rules. The registry listens on this machine's
// non-loopback address, since loopback is never proxied.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "../../src/image/registry/client.js";
import { pushImage } from "../../src/image/registry/push.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { freePort, REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingOnHost, missingTool, toolPath } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const address = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
const skipReason =
  missingTool("proxy tests", [...REGISTRY_TOOLS, "tinyproxy"]) ??
  missingOnHost("proxy tests", address !== undefined, "this machine has no non-loopback IPv4 address (loopback is never proxied)");
const noOpenssl = skipReason ? undefined : missingTool("proxy TLS test", "openssl");
const work = mkdtempSync(join(tmpdir(), "bw-proxy-"));

function bulwark(args: string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|no|all)_proxy$/i.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...clean, ...env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(skipReason !== undefined || !existsSync(BIN))("registry pulls through a proxy (tinyproxy)", () => {
  let reg: RegistryServer;
  let proxy: ChildProcess;
  let proxyUrl: string;
  const log = join(work, "tinyproxy.log");
  const logText = (): string => (existsSync(log) ? readFileSync(log, "utf8") : "");

  beforeAll(async () => {
    reg = await startRegistry({ address: address! });
    const img = await buildImage({ layers: [{ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }] }, "docker");
    await pushImage(`${reg.host}/team/app:1.0`, img, { insecure: true });
    const port = await freePort();
    // No ConnectPort lines: CONNECT is allowed to any port (the registry's is not 443).
    // Basic auth on: the credentials in the proxy URL must reach it (a 407 would fail the pull).
    writeFileSync(join(work, "tinyproxy.conf"), [`Port ${port}`, "Listen 127.0.0.1", "Timeout 30", `LogFile "${log}"`, "LogLevel Info", "MaxClients 20", "Allow 127.0.0.1", "BasicAuth ci pr0xy-Pa55", ""].join("\n"));
    proxy = spawn(toolPath("tinyproxy"), ["-d", "-c", join(work, "tinyproxy.conf")], { stdio: "ignore" });
    proxyUrl = `http://ci:pr0xy-Pa55@127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    while (!logText().includes("listening") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    proxy?.kill();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("sends every registry request through HTTP_PROXY / HTTPS_PROXY", () => {
    const before = logText().length;
    const r = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--insecure", "--format", "json", "-q"], { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).packages).toHaveLength(3);
    // Without credentials tinyproxy answers 407 (to wrong ones it answers 401, as a registry would).
    const anonymous = proxyUrl.replace("ci:pr0xy-Pa55@", "");
    const none = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--insecure", "-q"], { HTTP_PROXY: anonymous, HTTPS_PROXY: anonymous });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^bulwark: the proxy http:\/\/127\.0\.0\.1:\d+ wants credentials \(407 Proxy Authentication Required\): give them as http:\/\/USER:PASSWORD@HOST:PORT in HTTPS?_PROXY\n$/);
    const wrong = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--insecure", "-q"], { HTTP_PROXY: proxyUrl.replace("Pa55", "bad"), HTTPS_PROXY: proxyUrl.replace("Pa55", "bad") });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).not.toContain("bad");
    const seen = logText().slice(before);
    // The HTTPS probe of an --insecure registry is tunnelled (CONNECT); it speaks plain HTTP, so
    // the pull then goes through the proxy as plain HTTP requests.
    expect(seen).toContain(`CONNECT ${reg.host}`);
    expect(seen).toContain(`GET http://${reg.host}/v2/team/app/manifests/1.0`);
    expect(seen).toMatch(new RegExp(`GET http://${reg.host.replace(/\./g, "\\.")}/v2/team/app/blobs/sha256:`));
  });

  // TLS to the registry happens inside the CONNECT tunnel: verified by default, and skipped for
  // --insecure only. A node https server with a self-signed certificate stands in for a TLS
  // registry here: only the handshake through the proxy is under test.
  it.skipIf(noOpenssl !== undefined)("verifies the registry's TLS inside the tunnel, unless --insecure", async () => {
    execFileSync(toolPath("openssl"), ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=bulwark-test", "-days", "1", "-keyout", join(work, "key.pem"), "-out", join(work, "cert.pem")], { stdio: "ignore" });
    const tls = createHttpsServer({ key: readFileSync(join(work, "key.pem")), cert: readFileSync(join(work, "cert.pem")) }, (_req, res) => {
      res.writeHead(200, { "docker-distribution-api-version": "registry/2.0" }).end("{}");
    });
    await new Promise<void>((r) => tls.listen(0, address!, r));
    const host = `${address}:${(tls.address() as { port: number }).port}`;
    const before = logText().length;
    try {
      const answer = async (insecure: boolean): Promise<string> => {
        const client = new RegistryClient(host, { env: { HTTPS_PROXY: proxyUrl }, insecure, retry: { attempts: 1 } });
        try {
          const res = await client.request({ method: "GET", target: "/v2/", repository: "x" });
          res.resume();
          return String(res.statusCode);
        } catch (e) {
          return (e as Error).message;
        } finally {
          client.close();
        }
      };
      expect(await answer(false)).toMatch(/TLS certificate of .* is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      expect(await answer(true)).toBe("200");
      expect(logText().slice(before)).toContain(`CONNECT ${host}`);
    } finally {
      tls.close();
    }
  });

  it("goes direct for NO_PROXY hosts", () => {
    const before = logText().length;
    const r = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--insecure", "--format", "json", "-q"], { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: `localhost,${address}` });
    expect(r.code, r.stderr).toBe(0);
    expect(logText().slice(before)).not.toContain(reg.host);
  });

  it("fails with one line when the proxy is down, and never shows proxy credentials", async () => {
    const dead = `http://alice:pr0xy-s3cret@127.0.0.1:${await freePort()}`;
    const r = bulwark(["sbom", `${reg.host}/team/app:1.0`, "--insecure", "--debug"], { HTTP_PROXY: dead, HTTPS_PROXY: dead });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`cannot reach ${reg.host.replace(/\./g, "\\.")} through proxy http://127\\.0\\.0\\.1:\\d+: .*ECONNREFUSED`));
    expect(r.stderr).not.toContain("pr0xy-s3cret");
    expect(r.stderr).not.toContain("alice");
  });
});
