// `registry audit` against real docker-registry instances configured each way: every rule has a
// failing and a passing case. Certificates come from the openssl command line; the token issuer
// of the token-auth registries is test code (test/support/token-server.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { auditRegistry, type RegistryAuditReport } from "../../src/index.js";
import { CERT_TOOLS, issue, makeCa, opensslDates, selfSigned, type TestCa } from "../support/certs.js";
import { buildImage, type BuiltImage } from "../support/image-builder.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { startTokenServer, type TokenServer } from "../support/token-server.js";
import { missingTool, toolPath } from "../support/tools.js";

const SKIP = missingTool("registry audit tests", [...REGISTRY_AUTH_TOOLS, ...CERT_TOOLS]) !== undefined;
const ALL = Array.from({ length: 13 }, (_, i) => `BW-REG-${String(i + 1).padStart(3, "0")}`);
const USER = { user: "ci", password: "Audit-s3cret-pw" };

const ids = (r: RegistryAuditReport): string[] => [...new Set(r.findings.map((f) => f.ruleId))].sort();
const finding = (r: RegistryAuditReport, id: string) => {
  const f = r.findings.find((x) => x.ruleId === id);
  if (!f) throw new Error(`no ${id} in ${ids(r).join(",")}`);
  return f;
};
/** The rules that must pass: every rule but the failing ones. */
const passing = (failing: string[]): string[] => ALL.filter((id) => !failing.includes(id));

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out.push(p);
    if (statSync(p).isDirectory()) out.push(...walk(p));
  }
  return out;
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** `openssl s_client` offering exactly one version: did the handshake complete with it? */
function opensslAccepts(host: string, flag: "-tls1" | "-tls1_1" | "-tls1_2"): boolean {
  const r = spawnSync(toolPath("openssl"), ["s_client", "-connect", host, flag, "-cipher", "ALL:@SECLEVEL=0"], { input: "", encoding: "utf8", timeout: 20_000 });
  return /Cipher is (?!\(NONE\))/.test(r.stdout);
}

let image: BuiltImage;
const work = SKIP ? "" : mkdtempSync(join(tmpdir(), "bw-audit-"));
let ca: TestCa;

describe.skipIf(SKIP)("registry audit against real registries", () => {
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    // No credentials from the machine's docker config.
    process.env["DOCKER_CONFIG"] = join(work, "no-docker-config");
    image = await buildImage({ layers: [{ entries: [{ path: "etc/hello", content: "audit\n" }] }] }, "docker");
    ca = makeCa(join(work, "ca"));
  });
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    rmSync(work, { recursive: true, force: true });
  });
  const track = <T extends { stop(): Promise<void> }>(s: T): T => {
    stops.push(() => s.stop());
    return s;
  };

  describe("an open plain-HTTP registry (no auth, deletes enabled)", () => {
    let reg: RegistryServer;
    let report: RegistryAuditReport;
    beforeAll(async () => {
      reg = track(await startRegistry());
      await pushImage(`${reg.host}/team/app:1.0`, image);
      report = await auditRegistry(reg.host, { timeoutSeconds: 10 });
    });

    it("reports plain HTTP, anonymous pull, catalog, push, deletes and the API version header", () => {
      const failing = ["BW-REG-001", "BW-REG-007", "BW-REG-008", "BW-REG-009", "BW-REG-010", "BW-REG-011"];
      expect(ids(report)).toEqual(failing);
      for (const id of passing(failing)) expect(ids(report)).not.toContain(id);
      expect(report.endpoints).toEqual({ http: `http://${reg.host}/` });
      expect(report.access.anonymous).toEqual({ catalog: true, pull: true, push: true, delete: true });
      // Deletes open to anyone are critical; deletes behind auth are LOW (next block).
      expect(finding(report, "BW-REG-010").severity).toBe("CRITICAL");
      expect(finding(report, "BW-REG-010").evidence[0]).toMatch(/-> 404 MANIFEST_UNKNOWN/);
      expect(finding(report, "BW-REG-007").message).toContain("team/app:1.0");
    });

    it("agrees with the registry's own API", async () => {
      const catalog = await json(`http://${reg.host}/v2/_catalog`);
      const repos = (catalog.body as { repositories: string[] }).repositories;
      expect(finding(report, "BW-REG-008").message).toContain(`${repos.length} name`);
      const v2 = await fetch(`http://${reg.host}/v2/`);
      expect(finding(report, "BW-REG-011").evidence[0]).toContain(v2.headers.get("docker-distribution-api-version")!);
      // The manifest that the pull probe read and the delete probe aimed next to is still there.
      const m = await fetch(`http://${reg.host}/v2/team/app/manifests/1.0`, { method: "HEAD", headers: { accept: image.manifest.mediaType } });
      expect(m.status).toBe(200);
      expect(m.headers.get("docker-content-digest")).toBe(image.manifest.digest);
    });

    it("leaves no data behind from the push probe", async () => {
      const push = finding(report, "BW-REG-009");
      expect(push.evidence[0]).toMatch(/^POST http:\/\/.*\/v2\/bulwark-audit-probe\/blobs\/uploads\/ -> 202/);
      expect(push.evidence[1]).toMatch(/^DELETE .* -> 204 \(upload cancelled\)$/);
      const uuid = /uploads\/([0-9a-f-]{36})/.exec(push.evidence[1]!)![1]!;
      // No repository appeared…
      const catalog = await json(`http://${reg.host}/v2/_catalog`);
      expect((catalog.body as { repositories: string[] }).repositories).toEqual(["team/app"]);
      // …and storage holds no upload data, no start marker, no layer or manifest link for it.
      // docker-registry 2.8.2 writes the upload's hash state once more after a cancel: that small
      // file (the sha256 state of zero bytes) is the only thing left, until upload purging.
      const repoDir = join(reg.dataDir, "docker/registry/v2/repositories/bulwark-audit-probe");
      const left = walk(repoDir).map((p) => relative(repoDir, p)).filter((p) => statSync(join(repoDir, p)).isFile());
      for (const f of left) expect(f).toMatch(new RegExp(`^_uploads/${uuid}/hashstates/sha256/0$`));
      expect(walk(repoDir).some((p) => /\/(data|startedat|_layers|_manifests)$/.test(p))).toBe(false);
      const blobs = walk(join(reg.dataDir, "docker/registry/v2/blobs")).filter((p) => p.endsWith("/data"));
      expect(blobs.length).toBe(1 + image.layers.length + 1); // config, layers, manifest: nothing new
    });

    it("does not report the API version header through a proxy that strips it", async () => {
      const proxy = track(await stripProxy(reg.host, ["docker-distribution-api-version"]));
      const r = await auditRegistry(proxy.host, { timeoutSeconds: 10 });
      expect(ids(r)).not.toContain("BW-REG-011");
      expect(ids(r)).toContain("BW-REG-001");
      expect(ids(r)).toContain("BW-REG-009");
    });
  });

  describe("a hostile front: a proxy (test code) before a real registry serving an endless catalog", () => {
    it("reads at most the body cap, notes it, and finishes the audit", async () => {
      const reg = track(await startRegistry());
      let sent = 0;
      const proxy = track(await stripProxy(reg.host, [], (req, res) => {
        if (!req.url?.startsWith("/v2/_catalog")) return false;
        res.writeHead(200, { "content-type": "application/json", "docker-distribution-api-version": "registry/2.0" });
        res.write('{"repositories":[');
        const chunk = Buffer.from('"x",'.repeat(16_384));
        const pump = (): void => {
          // Endless unless the client goes away; bounded here so a broken client cannot hang the test.
          while (!res.destroyed && sent < 512 << 20) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
        return true;
      }));
      const started = Date.now();
      const r = await auditRegistry(proxy.host, { timeoutSeconds: 10 });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(ids(r)).toContain("BW-REG-008");
      expect(finding(r, "BW-REG-008").message).toContain("too large");
      expect(r.notes.some((n) => n.message.includes("larger than 262144 bytes"))).toBe(true);
      // The rest of the audit went on.
      expect(ids(r)).toContain("BW-REG-009");
      expect(sent).toBeLessThan(64 << 20);
    });
  });

  describe("a hostile front: upload locations that point at real data", () => {
    it("never sends the cancelling DELETE outside the probe repository's uploads", async () => {
      const reg = track(await startRegistry());
      await pushImage(`${reg.host}/team/app:1.0`, image);
      const seen: string[] = [];
      const target = `/v2/team/app/manifests/${image.manifest.digest}`;
      const proxy = track(await stripProxy(reg.host, [], undefined, (req, headers) => {
        if (req.method === "POST" && req.url?.includes("/blobs/uploads/")) headers["location"] = target;
      }, seen));
      const r = await auditRegistry(proxy.host, { timeoutSeconds: 10 });
      const push = finding(r, "BW-REG-009");
      expect(push.message).toContain("NOT cancelled");
      expect(push.evidence[1]).toContain("outside /v2/bulwark-audit-probe/blobs/uploads/");
      expect(r.notes.some((n) => n.ruleId === "BW-REG-009" && n.message.includes("could not be cancelled"))).toBe(true);
      expect(seen.filter((q) => q.startsWith("DELETE") && !/\/manifests\/sha256:[0-9a-f]{64}$/.test(q))).toEqual([]);
      expect(seen).not.toContain(`DELETE ${target}`);
      const m = await fetch(`http://${reg.host}/v2/team/app/manifests/1.0`, { method: "HEAD", headers: { accept: image.manifest.mediaType } });
      expect(m.headers.get("docker-content-digest")).toBe(image.manifest.digest);
    });
  });

  describe("htpasswd over plain HTTP, deletes disabled", () => {
    let reg: RegistryServer;
    beforeAll(async () => {
      reg = track(await startRegistry({ htpasswd: USER, deleteEnabled: false }));
      await pushImage(`${reg.host}/team/app:1.0`, image, { username: USER.user, password: USER.password });
    });

    it("reports Basic auth over HTTP; anonymous access is refused; deletes are undecided without credentials", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, repo: "team/app:1.0" });
      expect(ids(r)).toEqual(["BW-REG-001", "BW-REG-011", "BW-REG-013"]);
      const challenge = (await fetch(`http://${reg.host}/v2/`)).headers.get("www-authenticate")!;
      expect(challenge).toMatch(/^Basic /);
      expect(finding(r, "BW-REG-013").evidence[0]).toContain("WWW-Authenticate: Basic");
      expect(r.access.anonymous).toEqual({ catalog: false, pull: false, push: false, delete: false });
      expect(r.access.authenticated).toBeUndefined();
      expect(r.notes.map((n) => n.ruleId)).toContain("BW-REG-010");
    });

    it("with credentials: deletes are disabled (405) and the catalog is readable", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, username: USER.user, password: USER.password });
      expect(ids(r)).not.toContain("BW-REG-010");
      expect(r.notes.filter((n) => n.ruleId === "BW-REG-010")).toEqual([]);
      // What the user may do: the catalog, the pull, an upload (cancelled); deletes are off.
      expect(r.access.authenticated).toEqual({ catalog: true, pull: true, push: true, delete: false });
      expect(JSON.stringify(r)).not.toContain(USER.password);
      const repoDir = join(reg.dataDir, "docker/registry/v2/repositories/bulwark-audit-probe/_uploads");
      expect(walk(repoDir).some((p) => /\/(data|startedat)$/.test(p))).toBe(false);
    });
  });

  describe("HTTPS with a CA-signed certificate, htpasswd, deletes enabled, a Server banner", () => {
    let reg: RegistryServer;
    beforeAll(async () => {
      const leaf = issue(ca, "good", ["IP:127.0.0.1", "DNS:localhost"]);
      reg = track(await startRegistry({ htpasswd: USER, tls: leaf, headers: { Server: ["nginx/1.25.3"] } }));
    });

    it("passes every TLS rule when the CA is trusted; reports deletes for authenticated users and the banner", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, caFile: ca.certificate, username: USER.user, password: USER.password });
      expect(ids(r)).toEqual(["BW-REG-010", "BW-REG-011", "BW-REG-012"]);
      expect(r.endpoints).toEqual({ https: `https://${reg.host}/` });
      expect(finding(r, "BW-REG-010").severity).toBe("LOW");
      expect(finding(r, "BW-REG-012").evidence.join(" ")).toContain("Server: nginx/1.25.3");
      expect(r.tls?.legacy).toEqual({ TLSv1: "refused", "TLSv1.1": "refused" });
      expect(opensslAccepts(reg.host, "-tls1")).toBe(false);
      expect(opensslAccepts(reg.host, "-tls1_1")).toBe(false);
      expect(opensslAccepts(reg.host, "-tls1_2")).toBe(true);
      const dates = opensslDates(join(ca.dir, "good.pem"));
      expect(Date.parse(r.tls!.validTo!)).toBe(Date.parse(dates.notAfter));
      expect(JSON.stringify(r)).not.toContain(USER.password);
    });

    it("reports an untrusted chain without the CA, and then keeps the credentials to itself", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, username: USER.user, password: USER.password });
      expect(ids(r)).toContain("BW-REG-002");
      expect(finding(r, "BW-REG-002").evidence.join(" ")).toMatch(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      expect(r.notes.some((n) => n.message.includes("credentials were not used"))).toBe(true);
      expect(r.access.authenticated).toBeUndefined();
    });

    it("with --insecure, sends the credentials over the unverified connection and still reports the chain", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, insecure: true, username: USER.user, password: USER.password });
      expect(ids(r)).toContain("BW-REG-002");
      expect(ids(r)).toContain("BW-REG-010");
      expect(r.access.authenticated).toMatchObject({ catalog: true, push: true, delete: true });
      expect(r.notes.some((n) => n.message.includes("credentials were not used"))).toBe(false);
    });

    it("does not take the plain-HTTP answer of a TLS port (400) for a registry", async () => {
      const r = await auditRegistry(`http://${reg.host}`, { timeoutSeconds: 10, caFile: ca.certificate });
      expect(ids(r)).not.toContain("BW-REG-001");
      expect(ids(r)).not.toContain("BW-REG-013");
    });
  });

  describe("HTTPS with a self-signed certificate accepting TLS 1.0 and 1.1", () => {
    let reg: RegistryServer;
    beforeAll(async () => {
      const cert = selfSigned(join(work, "self"), "self", ["IP:127.0.0.1"]);
      reg = track(await startRegistry({
        tls: { ...cert, minimumTls: "tls1.0", cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] },
        deleteEnabled: false,
      }));
    });

    it("reports the self-signed certificate and both legacy versions, as openssl sees them", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10 });
      const failing = ["BW-REG-002", "BW-REG-005", "BW-REG-007", "BW-REG-008", "BW-REG-009", "BW-REG-011"];
      expect(ids(r)).toEqual(failing);
      expect(finding(r, "BW-REG-002").message).toContain("self-signed");
      expect(finding(r, "BW-REG-002").evidence.join(" ")).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
      const legacy = finding(r, "BW-REG-005").evidence.join("\n");
      expect(legacy).toMatch(/^TLSv1: handshake completed with TLSv1 /m);
      expect(legacy).toMatch(/^TLSv1\.1: handshake completed with TLSv1\.1 /m);
      expect(opensslAccepts(reg.host, "-tls1")).toBe(true);
      expect(opensslAccepts(reg.host, "-tls1_1")).toBe(true);
      // The one upload the probe started was cancelled over the unverified connection.
      expect(finding(r, "BW-REG-009").evidence[1]).toMatch(/-> 204 \(upload cancelled\)/);
    });
  });

  describe("HTTPS with an expired certificate from a trusted CA", () => {
    let reg: RegistryServer;
    beforeAll(async () => {
      const leaf = issue(ca, "expired", ["IP:127.0.0.1"], { start: new Date("2020-01-01T00:00:00Z"), end: new Date("2020-06-01T00:00:00Z") });
      reg = track(await startRegistry({ htpasswd: USER, tls: leaf }));
    });

    it("reports the expiry, with openssl's dates, and not the chain", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, caFile: ca.certificate });
      expect(ids(r)).toContain("BW-REG-003");
      expect(ids(r)).not.toContain("BW-REG-002");
      expect(ids(r)).not.toContain("BW-REG-004");
      const dates = opensslDates(join(ca.dir, "expired.pem"));
      const ev = finding(r, "BW-REG-003").evidence[0]!;
      expect(ev).toMatch(/^expired: CN=expired/);
      expect(ev).toContain(`to ${dates.notAfter}`);
      expect(r.tls?.verifyError).toBe("CERT_HAS_EXPIRED");
    });
  });

  describe("HTTPS with a certificate for another host name", () => {
    let reg: RegistryServer;
    beforeAll(async () => {
      const leaf = issue(ca, "other", ["DNS:registry.example.test"]);
      reg = track(await startRegistry({ htpasswd: USER, tls: leaf }));
    });

    it("reports the mismatch, and not trust or dates", async () => {
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, caFile: ca.certificate });
      expect(ids(r)).toContain("BW-REG-004");
      expect(ids(r)).not.toContain("BW-REG-002");
      expect(ids(r)).not.toContain("BW-REG-003");
      expect(finding(r, "BW-REG-004").evidence.join(" ")).toContain("DNS:registry.example.test");
      // openssl agrees: the chain verifies, the IP does not match.
      const verify = (extra: string[]) => spawnSync(toolPath("openssl"), ["verify", "-CAfile", ca.certificate, ...extra, join(ca.dir, "other.pem")], { encoding: "utf8" });
      expect(verify([]).status).toBe(0);
      const byIp = verify(["-verify_ip", "127.0.0.1"]);
      expect(byIp.status).not.toBe(0);
      expect(byIp.stdout + byIp.stderr).toContain("IP address mismatch");
    });
  });

  describe("token auth (test token issuer): realm over plain HTTP, anonymous pull granted", () => {
    let reg: RegistryServer;
    let tokens: TokenServer;
    beforeAll(async () => {
      const signer = selfSigned(join(work, "token-http"), "token-signer", ["DNS:token-signer"]);
      tokens = track(await startTokenServer({
        signer, issuer: "bulwark-test-issuer", service: "bulwark-test-registry", users: { [USER.user]: USER.password },
        // Anonymous: pull on repositories only (no catalog, no push); the user: what is asked.
        grant: (account, requested) => (account ? requested : requested.filter((a) => a.type === "repository").map((a) => ({ ...a, actions: a.actions.filter((x) => x === "pull") }))),
      }));
      reg = track(await startRegistry({ token: { realm: tokens.realm, service: "bulwark-test-registry", issuer: "bulwark-test-issuer", rootCertBundle: signer.certificate } }));
      await pushImage(`${reg.host}/team/app:1.0`, image, { username: USER.user, password: USER.password });
    });

    it("reports the plain-HTTP realm and the pull an anonymous token allows", async () => {
      const challenge = (await fetch(`http://${reg.host}/v2/`)).headers.get("www-authenticate")!;
      expect(challenge).toContain(`realm="${tokens.realm}"`);
      const before = tokens.requests.length;
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, repo: "team/app" });
      expect(ids(r)).toEqual(["BW-REG-001", "BW-REG-006", "BW-REG-007", "BW-REG-011"]);
      expect(finding(r, "BW-REG-006").path).toBe(tokens.realm);
      expect(finding(r, "BW-REG-007").message).toContain("team/app:1.0");
      expect(r.access.anonymous).toEqual({ catalog: false, pull: true, push: false, delete: false });
      // Every token the audit asked for was anonymous.
      const asked = tokens.requests.slice(before);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((q) => q.account === "")).toBe(true);
      expect(asked.some((q) => q.scope.includes("repository:team/app:pull"))).toBe(true);
    });
  });

  describe("token auth: realm over HTTPS, nothing for anonymous clients", () => {
    let reg: RegistryServer;
    let tokens: TokenServer;
    beforeAll(async () => {
      const signer = selfSigned(join(work, "token-https"), "token-signer", ["DNS:token-signer"]);
      const realmCert = issue(ca, "realm", ["IP:127.0.0.1"]);
      tokens = track(await startTokenServer({
        signer, issuer: "bulwark-test-issuer", service: "bulwark-test-registry", users: { [USER.user]: USER.password }, tls: realmCert,
        grant: (account, requested) => (account ? requested : []),
      }));
      reg = track(await startRegistry({ token: { realm: tokens.realm, service: "bulwark-test-registry", issuer: "bulwark-test-issuer", rootCertBundle: signer.certificate } }));
    });

    it("does not report the realm; anonymous pull, catalog and push are refused", async () => {
      expect(tokens.realm).toMatch(/^https:/);
      const r = await auditRegistry(reg.host, { timeoutSeconds: 10, repo: "team/app:1.0", caFile: ca.certificate });
      expect(ids(r)).toEqual(["BW-REG-001", "BW-REG-011"]);
      expect(r.access.anonymous).toEqual({ catalog: false, pull: false, push: false, delete: false });
      expect(tokens.requests.length).toBeGreaterThan(0);
    });
  });
});

/** A plain-HTTP proxy (test code) that removes some response headers, as a reverse proxy can. */
function stripProxy(
  upstream: string,
  drop: string[],
  intercept?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
  rewrite?: (req: http.IncomingMessage, headers: http.IncomingHttpHeaders) => void,
  seen: string[] = [],
): Promise<{ host: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (intercept?.(req, res)) return;
    const up = http.request({ host: upstream.split(":")[0], port: Number(upstream.split(":")[1]), method: req.method, path: req.url, headers: req.headers, agent: false }, (r) => {
      const headers = { ...r.headers };
      for (const d of drop) delete headers[d];
      rewrite?.(req, headers);
      res.writeHead(r.statusCode ?? 502, headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        host: `127.0.0.1:${port}`,
        stop: () => {
          server.closeAllConnections();
          return new Promise<void>((r) => server.close(() => r()));
        },
      });
    }),
  );
}
