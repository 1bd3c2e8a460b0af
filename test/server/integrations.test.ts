// The server's integrations end to end, on SQLite, with real parts: a docker-registry (htpasswd)
// whose own `notifications:` config posts pushes to a watch's event endpoint; the scan that
// follows pulls with the watch's stored (encrypted) credentials; the new finding goes to a local
// webhook receiver that checks the HMAC itself; Harbor's scanner API scans the same digest with
// a robot credential; the dashboard API shows the stored image.
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { importPaths } from "../../src/index.js";
import { createServerToken, startServer, type RunningServer } from "../../src/server/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage, type BuiltImage } from "../support/image-builder.js";
import { freePort, REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { missingTool } from "../support/tools.js";

const noRegistry = missingTool("server integration tests", REGISTRY_AUTH_TOOLS);
const BACKENDS = [
  { name: "SQLite", skip: noRegistry !== undefined },
  { name: "PostgreSQL", skip: (noRegistry ?? missingTool("server integration tests on PostgreSQL", POSTGRES_TOOLS)) !== undefined },
];

interface Hook { headers: http.IncomingHttpHeaders; raw: string }

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const backend of BACKENDS) describe.skipIf(backend.skip)(`server integrations on ${backend.name}`, () => {
  const work = mkdtempSync(join(tmpdir(), "bw-integrations-"));
  const DB = join(work, "advisories.db");
  let SERVER_DB = join(work, "server.db");
  let pgServer: PostgresServer | undefined;
  let reg: RegistryServer;
  let server: RunningServer;
  let receiver: http.Server;
  let receiverUrl: string;
  const hooks: Hook[] = [];
  let image: BuiltImage;
  const user = { user: "watcher", password: "Watch-s3cret-77" };
  const tokens: Record<string, string> = {};
  const saved = { ...process.env };

  const api = async (method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      redirect: "manual",
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
  };

  beforeAll(async () => {
    process.env["BULWARK_SECRET_KEY"] = randomBytes(32).toString("hex");
    process.env["BULWARK_OVERVIEW_TTL_MS"] = "0";
    process.env["BULWARK_NOTIFY_INTERVAL_MS"] = "200";
    process.env["DOCKER_CONFIG"] = join(work, "nodocker");
    mkdirSync(join(work, "osv"));
    writeFileSync(join(work, "osv", "T.json"), JSON.stringify({
      id: "TEST-ZLIB-2", modified: "2026-01-01T00:00:00Z", summary: "zlib test advisory",
      affected: [{ package: { ecosystem: "Debian:12", name: "zlib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:1.3.dfsg-1" }] }] }],
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    }));
    await importPaths(DB, [join(work, "osv")]);

    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        hooks.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/bulwark-secret-path`;

    if (backend.name === "PostgreSQL") {
      pgServer = await startPostgres();
      SERVER_DB = pgServer.url;
    }
    for (const role of ["admin", "scanner", "reader"]) tokens[role] = (await createServerToken(SERVER_DB, `t-${role}`, role)).token;
    server = await startServer({ database: SERVER_DB, listen: "127.0.0.1:0", workers: 1, advisoryDb: DB, cacheDir: join(work, "cache"), quiet: true });

    image = await buildImage({ layers: [{ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }, { createdBy: "COPY app /srv", entries: [{ path: "srv/app", content: "app\n" }] }] });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await pgServer?.stop();
    await reg?.stop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    process.env = saved;
    rmSync(work, { recursive: true, force: true });
  });

  let ruleSecret = "";
  let watchId = "";

  it("rules and watches: admin only, secrets shown once and never listed", async () => {
    const body = { name: "criticals", url: receiverUrl, minSeverity: "HIGH", namespaces: ["team/*"] };
    expect((await api("POST", "/api/v1/notifications/rules", tokens["reader"], body)).status).toBe(403);
    expect((await api("POST", "/api/v1/notifications/rules", undefined, body)).status).toBe(401);
    expect((await api("POST", "/api/v1/notifications/rules", tokens["admin"], { ...body, url: "file:///etc/passwd" })).status).toBe(400);
    expect((await api("POST", "/api/v1/notifications/rules", tokens["admin"], { ...body, extra: 1 })).status).toBe(400);
    const r = await api("POST", "/api/v1/notifications/rules", tokens["admin"], body);
    expect(r.status, r.text).toBe(201);
    ruleSecret = r.json["secret"] as string;
    expect(ruleSecret).toMatch(/^whsec_/);
    const list = await api("GET", "/api/v1/notifications/rules", tokens["reader"]);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(ruleSecret);
    expect(list.text).not.toContain("bulwark-secret-path");

    const port = await freePort();
    const w = await api("POST", "/api/v1/watches", tokens["admin"], { name: "test registry", registry: `127.0.0.1:${port}`, repositories: ["team/*"], intervalSeconds: 0, username: user.user, password: user.password });
    expect(w.status, w.text).toBe(201);
    watchId = (w.json["watch"] as { id: string }).id;
    const secret = w.json["eventSecret"] as string;
    const watches = await api("GET", "/api/v1/watches", tokens["reader"]);
    expect(watches.text).not.toContain(user.password);
    expect(watches.text).not.toContain(secret);
    expect((watches.json["watches"] as { hasCredentials: boolean }[])[0]!.hasCredentials).toBe(true);

    // The registry, configured to notify the watch's endpoint with the watch's secret.
    reg = await startRegistry({
      htpasswd: user,
      port,
      config: ["notifications:", "  endpoints:", "    - name: bulwark", `      url: ${server.url}${w.json["eventPath"] as string}`, "      headers:", `        Authorization: ["Bearer ${secret}"]`, "      timeout: 3s", "      threshold: 5", "      backoff: 1s"],
    });
    // A wrong secret and an unknown watch answer the same 401.
    const envelope = { events: [] };
    expect((await api("POST", `/api/v1/watches/${watchId}/events`, "bwe_wrong", envelope)).status).toBe(401);
    expect((await api("POST", `/api/v1/watches/00000000-0000-4000-8000-000000000000/events`, secret, envelope)).status).toBe(401);
    expect((await api("POST", `/api/v1/watches/${watchId}/events`, undefined, envelope)).status).toBe(401);
  });

  it("a push is scanned at once with the watch's credentials, and its new finding is sent once, signed", async () => {
    await pushImage(`${reg.host}/team/app:1.0`, image, { username: user.user, password: user.password });
    await pushImage(`${reg.host}/team/app:latest`, image, { username: user.user, password: user.password });
    const scan = await until("the watch's scan", async () => {
      const row = await server.ctx.db.selectFrom("scans").selectAll().where("source", "=", "watch-event").executeTakeFirst();
      return row && (row.status === "done" || row.status === "failed") ? row : undefined;
    });
    expect(scan.error ?? "").toBe("");
    expect(scan.status).toBe("done");
    expect(scan.digest).toBe(image.manifest.digest);
    // Both tags' events name one digest: one scan.
    expect((await server.ctx.db.selectFrom("scans").select("id").where("source", "=", "watch-event").execute()).length).toBe(1);

    const hook = await until("a webhook delivery", () => hooks[0]);
    const ts = String(hook.headers["x-bulwark-timestamp"]);
    const expected = "sha256=" + createHmac("sha256", ruleSecret).update(`${ts}.${hook.raw}`).digest("hex");
    expect(hook.headers["x-bulwark-signature"]).toBe(expected);
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(120);
    const payload = JSON.parse(hook.raw) as { findings: { id: string; image: { digest: string; names: string[] }; package: string; fixedVersion?: string }[] };
    expect(payload.findings).toHaveLength(1);
    expect(payload.findings[0]).toMatchObject({ id: "TEST-ZLIB-2", package: "zlib1g", fixedVersion: "1:1.3.dfsg-1", image: { digest: image.manifest.digest } });

    const deliveries = await api("GET", "/api/v1/notifications/deliveries", tokens["reader"]);
    expect((deliveries.json["deliveries"] as { status: string }[]).map((d) => d.status)).toEqual(["delivered"]);
  });

  it("Harbor: metadata, scan with a robot credential, 302 while running, then both reports", async () => {
    const meta = await api("GET", "/api/v1/metadata", tokens["reader"]);
    expect(meta.status).toBe(200);
    expect(meta.headers.get("content-type")).toContain("application/vnd.scanner.adapter.metadata+json");
    expect((await api("POST", "/api/v1/scan", tokens["reader"], {})).status).toBe(403);
    const request = {
      registry: { url: `http://${reg.host}`, authorization: `Basic ${Buffer.from(`${user.user}:${user.password}`).toString("base64")}` },
      artifact: { repository: "team/app", digest: image.manifest.digest, tag: "1.0", mime_type: "application/vnd.oci.image.manifest.v1+json" },
    };
    const bad = await api("POST", "/api/v1/scan", tokens["scanner"], JSON.stringify({ ...request, artifact: { ...request.artifact, repository: "../etc" } }), { "content-type": "application/vnd.scanner.adapter.scan.request+json; version=1.1" });
    expect(bad.status).toBe(422);
    const accepted = await api("POST", "/api/v1/scan", tokens["scanner"], JSON.stringify(request), { "content-type": "application/vnd.scanner.adapter.scan.request+json; version=1.1" });
    expect(accepted.status, accepted.text).toBe(202);
    const id = accepted.json["id"] as string;
    const accept = { accept: "application/vnd.security.vulnerability.report; version=1.1" };
    const first = await api("GET", `/api/v1/scan/${id}/report`, tokens["scanner"], undefined, accept);
    if (first.status === 302) expect(first.headers.get("refresh-after")).toMatch(/^\d+$/);
    else expect(first.status).toBe(200);
    const report = await until("the Harbor report", async () => {
      const r = await api("GET", `/api/v1/scan/${id}/report`, tokens["scanner"], undefined, accept);
      return r.status === 302 ? undefined : r;
    });
    expect(report.status, report.text).toBe(200);
    expect(report.headers.get("content-type")).toContain("application/vnd.security.vulnerability.report; version=1.1");
    expect(report.json).toMatchObject({ artifact: { repository: "team/app", digest: image.manifest.digest }, severity: "Critical" });
    expect((report.json["vulnerabilities"] as { id: string; package: string; fix_version: string }[])).toEqual([expect.objectContaining({ id: "TEST-ZLIB-2", package: "zlib1g", fix_version: "1:1.3.dfsg-1" })]);
    expect(report.text).not.toContain(user.password);
    const sbom = await api("GET", `/api/v1/scan/${id}/report?sbom_media_type=${encodeURIComponent("application/vnd.cyclonedx+json")}`, tokens["scanner"], undefined, { accept: "application/vnd.security.sbom.report+json; version=1.0" });
    expect(sbom.status, sbom.text).toBe(200);
    expect(sbom.json["media_type"]).toBe("application/vnd.cyclonedx+json");
    const comps = ((sbom.json["sbom"] as { components: { name: string }[] }).components).map((c) => c.name);
    for (const p of BASE_PKGS) expect(comps).toContain(p.name);
    expect((await api("GET", `/api/v1/scan/${id}/report`, tokens["scanner"], undefined, { accept: "application/vnd.security.sbom.report+json; version=1.0" })).status).toBe(400);
    expect((await api("GET", `/api/v1/scan/${id}/report`, tokens["scanner"], undefined, { accept: "application/vnd.scanner.adapter.vuln.report.raw" })).status).toBe(501);
    expect((await api("GET", `/api/v1/scan/00000000-0000-4000-8000-000000000000/report`, tokens["scanner"], undefined, accept)).status).toBe(404);
    expect((await api("GET", `/api/v1/scan/${id}/report`, undefined, undefined, accept)).status).toBe(401);

    // The same digest scanned again: no new finding, no second webhook.
    await new Promise((r) => setTimeout(r, 1000));
    expect(hooks).toHaveLength(1);
  });

  it("dashboard API: overview, image page with layer attribution, exports", async () => {
    const o = await api("GET", "/api/v1/dashboard/overview", tokens["reader"]);
    expect(o.status).toBe(200);
    expect(o.json).toMatchObject({ images: 1, findings: { CRITICAL: 1 }, fixable: 1 });
    expect((o.json["topPackages"] as { name: string }[])[0]!.name).toBe("zlib1g");
    const history = o.json["history"] as { days: string[]; series: Record<string, number[]> };
    expect(history.series["CRITICAL"]!.at(-1)).toBe(1);
    const d = await api("GET", `/api/v1/dashboard/images/${encodeURIComponent(image.manifest.digest)}`, tokens["reader"]);
    expect(d.status, d.text).toBe(200);
    const layers = d.json["layers"] as { index: number; packages: string[]; createdBy?: string }[];
    expect(layers).toHaveLength(2);
    expect(layers[0]!.packages.length).toBe(BASE_PKGS.length);
    expect(layers[1]!.packages).toEqual([]);
    const vex = await api("GET", `/api/v1/images/${encodeURIComponent(image.manifest.digest)}/vex?format=openvex`, tokens["reader"]);
    expect(vex.status).toBe(200);
    expect((vex.json["statements"] as { vulnerability: { name: string }; status: string }[]).map((s) => [s.vulnerability.name, s.status])).toEqual([["TEST-ZLIB-2", "affected"]]);
    expect((await api("GET", `/api/v1/dashboard/images/..%2F..%2Fetc%2Fpasswd`, tokens["reader"])).status).toBe(400);
    expect((await api("GET", `/api/v1/dashboard/overview`, undefined)).status).toBe(401);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="app">');
  });
});
