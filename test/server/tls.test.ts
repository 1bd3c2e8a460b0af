// HTTPS when given --tls-cert/--tls-key: the served certificate is the given one (checked with
// openssl s_client), clients verify it, and the bearer token is still required.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServer, type RunningServer } from "../../src/index.js";
import { CERT_TOOLS, selfSigned } from "../support/certs.js";
import { missingTool } from "../support/tools.js";

const work = mkdtempSync(join(tmpdir(), "bw-server-tls-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function get(url: string, opts: https.RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ...opts, agent: false }, (res) => {
        let body = "";
        res.on("data", (d) => (body += String(d)));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe.skipIf(missingTool("server TLS tests", CERT_TOOLS) !== undefined)("server over TLS", () => {
  let server: RunningServer;
  let cert: { certificate: string; key: string };
  let token: string;

  beforeAll(async () => {
    cert = selfSigned(join(work, "certs"), "bulwark-server", ["IP:127.0.0.1"]);
    const { startServer, createServerToken } = await loadServer();
    const database = join(work, "server.db");
    token = (await createServerToken(database, "r", "reader")).token;
    server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb: join(work, "none.db"), tlsCert: cert.certificate, tlsKey: cert.key, quiet: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves the given certificate, verified by clients that trust it", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(cert.certificate);
    expect((await get(`${server.url}/healthz`, { ca })).status).toBe(200);
    await expect(get(`${server.url}/healthz`, {})).rejects.toThrow(/self[- ]signed/i);
    const anon = await get(`${server.url}/api/v1/images`, { ca });
    expect(anon.status).toBe(401);
    const ok = await get(`${server.url}/api/v1/images`, { ca, headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const port = new URL(server.url).port;
    // Asynchronously: the server runs in this process.
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile("openssl", ["s_client", "-connect", `127.0.0.1:${port}`], { encoding: "utf8", timeout: 20_000 }, (e, stdout) => (e ? reject(e) : resolve(stdout)));
      child.stdin?.end();
    });
    const served = out.slice(out.indexOf("-----BEGIN CERTIFICATE-----"), out.indexOf("-----END CERTIFICATE-----") + 25);
    const fp = (pem: string) => execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: pem, encoding: "utf8" });
    expect(fp(served)).toBe(fp(readFileSync(cert.certificate, "utf8")));
  });

  it("refuses a certificate without its key, with one line", async () => {
    const { startServer } = await loadServer();
    await expect(startServer({ database: join(work, "x.db"), listen: "127.0.0.1:0", tlsCert: cert.certificate })).rejects.toThrow(/^--tls-cert and --tls-key go together$/);
  });
});
