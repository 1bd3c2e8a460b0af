// The webhook's verdicts with a Bulwark server (`admission serve --server URL --token T`): before
// pulling an image's layers the webhook asks the server (a real one, SQLite, in this process) for
// the inventory it stored for that digest and matches it against its own advisories. A real
// docker-registry sits behind a counting relay: with the server's inventory no layer is fetched;
// without it (image unknown to the server, or the server down) the webhook scans the image itself,
// with the same verdict.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage, pushIndex } from "../../src/image/registry/push.js";
import { admission, importPaths, loadServer, parsePolicy, scan, type PolicyCheckOptions, type RunningServer } from "../../src/index.js";
import { BASE_PKGS, criticalOsv, debianOsRelease, dpkgStatus } from "../support/fixtures.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildImage, type BuiltImage } from "../support/image-builder.js";
import { freePort, REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool, toolPath } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;

const work = mkdtempSync(join(tmpdir(), "bw-adm-server-"));
const DB = join(work, "db.sqlite");
const osRelease = debianOsRelease;
const rec = criticalOsv;
let uid = 0;
const review = (image: string): Record<string, unknown> => ({
  apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
  request: { uid: `r-${++uid}`, kind: { group: "", version: "v1", kind: "Pod" }, namespace: "shop", operation: "CREATE", object: { apiVersion: "v1", kind: "Pod", metadata: { name: `p${uid}` }, spec: { containers: [{ name: "app", image }] } } },
});

describe.skipIf(missingTool("admission --server tests", REGISTRY_TOOLS) !== undefined)("admission verdicts with a Bulwark server's stored inventories", () => {
  let reg: RegistryServer;
  let proxy: FaultProxy;
  let server: RunningServer;
  const tokens: Record<string, string> = {};
  const images: Record<string, BuiltImage> = {};
  const multiDigests: Record<string, string> = {};
  const via = (repo: string) => `${proxy.host}/${repo}`;
  const blobs = () => proxy.requests.filter((r) => r.includes("/blobs/"));

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg.host);
    const layer = (v: string, c: string, pkgs = BASE_PKGS) => ({ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: osRelease(v, c) }, { path: "var/lib/dpkg/status", content: dpkgStatus(pkgs) }] });
    images.vuln = await buildImage({ user: "app", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }])] });
    images.root = await buildImage({ layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }]), { createdBy: "RUN x", entries: [{ path: "etc/motd", content: "root\n" }] }] });
    images.other = await buildImage({ user: "app", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }]), { createdBy: "RUN y", entries: [{ path: "etc/motd", content: "other\n" }] }] });
    for (const [repo, img] of Object.entries(images)) await pushImage(`${reg.host}/team/${repo}:1`, img);
    // Multi-platform images: amd64 has the vulnerable curl, arm64 the fixed one.
    const amd64 = await buildImage({ user: "app", architecture: "amd64", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }])] });
    const arm64 = await buildImage({ user: "app", architecture: "arm64", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u9" }])] });
    const multi = await pushIndex(`${reg.host}/team/multi:1`, [amd64, arm64]);
    multiDigests.index = multi.digest;
    [multiDigests.amd64, multiDigests.arm64] = multi.manifests as [string, string];
    // The same two platforms under another index (another annotation-free layer: different digests).
    const amd64b = await buildImage({ user: "app", architecture: "amd64", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }]), { createdBy: "RUN b", entries: [{ path: "etc/b", content: "b\n" }] }] });
    const arm64b = await buildImage({ user: "app", architecture: "arm64", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u9" }]), { createdBy: "RUN b", entries: [{ path: "etc/b", content: "b\n" }] }] });
    multiDigests.index2 = (await pushIndex(`${reg.host}/team/multi2:1`, [amd64b, arm64b])).digest;
    const osv = join(work, "osv");
    mkdirSync(osv);
    writeFileSync(join(osv, "a.json"), JSON.stringify(rec("DEBIAN-CVE-2099-0001", "Debian:10", "curl", "7.64.0-4+deb10u9")));
    await importPaths(DB, [osv]);
    // The server's own advisories do not know the CVE: the verdicts below come from the webhook's.
    const osvServer = join(work, "osv-server");
    mkdirSync(osvServer);
    writeFileSync(join(osvServer, "z.json"), JSON.stringify(rec("DEBIAN-CVE-2099-0900", "Debian:10", "zlib", "1:9")));
    await importPaths(join(work, "server-advisories.db"), [osvServer]);

    const { startServer, createServerToken } = await loadServer();
    const database = join(work, "server.db");
    for (const role of ["scanner", "reader"]) tokens[role] = (await createServerToken(database, `${role}-1`, role)).token;
    server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb: join(work, "server-advisories.db"), quiet: true, offline: true, refreshMinutes: 0 });
    // The server learns `vuln` and `root` as `bulwark scan --server` sends them (inventory only).
    const learn = async (target: string, digest: string) => {
      const report = await scan(`registry:${target}`, { noCache: true });
      const res = await fetch(`${server.url}/api/v1/reports`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tokens.scanner}` }, body: JSON.stringify({ ...report, vulnerabilities: [] }) });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(((await res.json()) as { digest: string }).digest).toBe(digest);
    };
    for (const repo of ["vuln", "root"]) await learn(`${reg.host}/team/${repo}:1`, images[repo]!.manifest.digest);
    // `multi`: each platform manifest by its digest, as a registry scan stores them; `multi2`: by
    // its tag (the default platform, linux/amd64), stored under the index digest.
    await learn(`${reg.host}/team/multi@${multiDigests.amd64}`, multiDigests.amd64!);
    await learn(`${reg.host}/team/multi@${multiDigests.arm64}`, multiDigests.arm64!);
    await learn(`${reg.host}/team/multi2:1`, multiDigests.index2!);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await proxy?.stop();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const check = (platform?: string): PolicyCheckOptions => ({ scan: { noCache: true, vuln: { db: DB, offline: true }, ...(platform ? { platform } : {}) } });
  function make(rules: string[], url = server.url, platform?: string) {
    const policy = parsePolicy(["apiVersion: bulwark.dev/v1", "kind: ImagePolicy", "rules:", ...rules.map((r) => `  ${r}`), ""].join("\n"), { baseDir: work });
    const errors: string[] = [];
    const verdicts = new admission.VerdictCache({ policy, check: check(platform), registry: {}, serverInventory: admission.serverInventoryLookup({ url, token: tokens.reader!, timeoutMs: 1000 }) });
    verdicts.onServerError = (m) => errors.push(m);
    return { verdicts, errors, ctl: new admission.AdmissionController({ rules: admission.ruleSelection("privileged", undefined), mode: "enforce", failMode: "closed", timeoutMs: 8000, verdicts }) };
  }

  it("an image the server knows: denied with the advisory, and not one blob fetched from the registry", async () => {
    const { ctl, verdicts, errors } = make(["vulnerabilities: { maxSeverity: HIGH }"]);
    proxy.reset();
    const r = await ctl.validate(review(via("team/vuln:1")));
    expect(r.response.allowed).toBe(false);
    expect(r.response.status!.message).toContain("[policy/vulnerabilities]");
    expect(r.response.status!.message).toContain("CVE-2099-0001 CRITICAL in curl 7.64.0-4+deb10u2, fixed in 7.64.0-4+deb10u9");
    expect(verdicts.serverStats).toEqual({ used: 1, missing: 0, errors: 0 });
    expect(errors).toEqual([]);
    expect(blobs()).toEqual([]);
    expect(proxy.requests.some((q) => q.includes("/manifests/1"))).toBe(true);
    verdicts.close();
  }, 60_000);

  it("the same verdict as the webhook's own scan (cross-check: the server down, the image pulled)", async () => {
    const viaServer = make(["vulnerabilities: { maxSeverity: HIGH }"]);
    const down = make(["vulnerabilities: { maxSeverity: HIGH }"], `http://127.0.0.1:${await freePort()}`);
    const a = await viaServer.ctl.validate(review(via("team/vuln:1")));
    proxy.reset();
    const b = await down.ctl.validate(review(via("team/vuln:1")));
    expect(down.verdicts.serverStats).toEqual({ used: 0, missing: 0, errors: 1 });
    expect(down.errors[0]).toMatch(/server lookup http:\/\/127\.0\.0\.1:\d+: .*(ECONNREFUSED|connect)/);
    expect(blobs().length).toBeGreaterThan(1);
    expect(b.response.allowed).toBe(false);
    const strip = (m: string) => m.replace(/Pod shop\/p\d+/, "Pod");
    expect(strip(b.response.status!.message)).toBe(strip(a.response.status!.message));
    viaServer.verdicts.close();
    down.verdicts.close();
  }, 60_000);

  it("an image the server never saw is scanned by the webhook itself", async () => {
    const { ctl, verdicts } = make(["vulnerabilities: { maxSeverity: HIGH }"]);
    proxy.reset();
    const r = await ctl.validate(review(via("team/other:1")));
    expect(r.response.allowed).toBe(false);
    expect(r.response.status!.message).toContain("CVE-2099-0001");
    expect(verdicts.serverStats).toEqual({ used: 0, missing: 1, errors: 0 });
    expect(blobs().some((q) => q.includes(images.other!.layers[0]!.digest))).toBe(true);
    verdicts.close();
  }, 60_000);

  it("a multi-platform image: the server's inventory of the platform's manifest decides, for amd64 (denied) and arm64 (admitted), without a blob; as the webhook's own scans decide", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    for (const [platform, allowed] of [[undefined, false], ["linux/arm64", true]] as const) {
      const viaServer = make(["vulnerabilities: { maxSeverity: HIGH }"], server.url, platform);
      proxy.reset();
      const a = await viaServer.ctl.validate(review(via("team/multi:1")));
      expect(viaServer.errors).toEqual([]);
      expect(viaServer.verdicts.serverStats).toEqual({ used: 1, missing: 0, errors: 0 });
      expect(blobs()).toEqual([]);
      expect(a.response.allowed, JSON.stringify(a.response.status)).toBe(allowed);
      if (!allowed) expect(a.response.status!.message).toContain("CVE-2099-0001 CRITICAL in curl 7.64.0-4+deb10u2");
      const resolved = await viaServer.verdicts.resolve(via("team/multi:1"), true);
      expect(resolved.digest).toBe(multiDigests.index);
      const notes = (await viaServer.verdicts.verdict(resolved)).notes.join("\n");
      expect(notes).toContain(`stored for ${platform ?? "linux/amd64"} manifest ${platform ? multiDigests.arm64 : multiDigests.amd64} of index ${multiDigests.index}`);
      // Cross-check: the server down, the webhook pulls the platform's image itself and agrees.
      const own = make(["vulnerabilities: { maxSeverity: HIGH }"], down, platform);
      proxy.reset();
      const b = await own.ctl.validate(review(via("team/multi:1")));
      expect(own.verdicts.serverStats.errors).toBe(1);
      expect(blobs().length).toBeGreaterThan(0);
      expect(b.response.allowed).toBe(allowed);
      const strip = (m?: string) => m?.replace(/Pod shop\/p\d+/, "Pod");
      expect(strip(b.response.status?.message)).toBe(strip(a.response.status?.message));
      viaServer.verdicts.close();
      own.verdicts.close();
    }
  }, 120_000);

  it("an inventory stored under the index digest is used for its own platform only", async () => {
    const amd = make(["vulnerabilities: { maxSeverity: HIGH }"]);
    proxy.reset();
    const a = await amd.ctl.validate(review(via("team/multi2:1")));
    expect(a.response.allowed).toBe(false);
    expect(amd.verdicts.serverStats).toEqual({ used: 1, missing: 0, errors: 0 });
    expect(blobs()).toEqual([]);
    const arm = make(["vulnerabilities: { maxSeverity: HIGH }"], server.url, "linux/arm64");
    proxy.reset();
    const b = await arm.ctl.validate(review(via("team/multi2:1")));
    // The server's inventory is amd64's: not used for arm64, which the webhook scans itself (fixed curl: admitted).
    expect(b.response.allowed).toBe(true);
    expect(arm.verdicts.serverStats).toEqual({ used: 0, missing: 1, errors: 0 });
    expect(arm.errors).toEqual([`the server's inventory of index ${multiDigests.index2} is for linux/amd64, not linux/arm64`]);
    expect(blobs().length).toBeGreaterThan(0);
    amd.verdicts.close();
    arm.verdicts.close();
  }, 120_000);

  it("policy exceptions apply to the server's findings as to the webhook's own scan (active, expired, other image)", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const name = via("team/vuln");
    const cases: [string, boolean, string][] = [
      [`{ image: "${name}", until: 2099-12-31, reason: "accepted risk", rules: [vulnerabilities] }`, true, "excepted"],
      [`{ image: "${name}", until: 2020-01-01, reason: "old waiver" }`, false, "fail"],
      [`{ image: "${via("team/other")}", until: 2099-12-31, reason: "another image" }`, false, "fail"],
    ];
    for (const [exception, allowed, verdict] of cases) {
      const rules = ["vulnerabilities: { maxSeverity: HIGH }", `exceptions: [${exception}]`];
      const viaServer = make(rules);
      proxy.reset();
      const a = await viaServer.ctl.validate(review(via("team/vuln:1")));
      expect(viaServer.verdicts.serverStats, exception).toEqual({ used: 1, missing: 0, errors: 0 });
      expect(blobs()).toEqual([]);
      expect(a.response.allowed, exception).toBe(allowed);
      const own = make(rules, down);
      const b = await own.ctl.validate(review(via("team/vuln:1")));
      expect(own.verdicts.serverStats.used).toBe(0);
      expect(b.response.allowed).toBe(allowed);
      // The rules' verdicts and the exception notes are the same either way.
      const result = async (v: typeof viaServer.verdicts) => v.verdict(await v.resolve(via("team/vuln:1"), true));
      const [rs, ro] = [await result(viaServer.verdicts), await result(own.verdicts)];
      expect(rs.rules.map((r) => [r.rule, r.verdict, r.exception?.reason])).toEqual(ro.rules.map((r) => [r.rule, r.verdict, r.exception?.reason]));
      expect(rs.rules.find((r) => r.rule === "vulnerabilities")!.verdict).toBe(verdict);
      expect(rs.notes.filter((n) => /exception/.test(n))).toEqual(ro.notes.filter((n) => /exception/.test(n)));
      if (exception.includes("2020-01-01")) expect(rs.notes).toContain(`exception "${name}" expired on 2020-01-01 (old waiver): ignored`);
      viaServer.verdicts.close();
      own.verdicts.close();
    }
  }, 120_000);

  it.skipIf(!existsSync(BIN) || missingTool("admission --server CLI test", ["openssl"]) !== undefined)("the CLI: `admission serve --server URL` (token from $BULWARK_TOKEN) denies over HTTPS without pulling layers", async () => {
    const tls = join(work, "tls");
    mkdirSync(tls, { recursive: true });
    execFileSync(toolPath("openssl"), ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(tls, "k.pem"), "-out", join(tls, "c.pem"), "-days", "1", "-subj", "/CN=webhook", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    writeFileSync(join(work, "policy.yaml"), "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities: { maxSeverity: HIGH }\n");
    const port = await freePort();
    const proc = spawn(process.execPath, [BIN, "admission", "serve", "--listen", `127.0.0.1:${port}`, "--tls-cert", join(tls, "c.pem"), "--tls-key", join(tls, "k.pem"), "--policy", join(work, "policy.yaml"), "--db", DB, "--offline", "--no-cache", "--server", server.url], {
      stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, BULWARK_TOKEN: tokens.reader!, HOME: work, KUBECONFIG: "", DOCKER_CONFIG: join(work, "nodocker") },
    });
    let log = "";
    proc.stderr!.on("data", (c: Buffer) => (log += c.toString()));
    try {
      const started = Date.now();
      while (!/listening on/.test(log)) {
        if (proc.exitCode !== null || Date.now() - started > 30_000) throw new Error(`webhook did not start: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      proxy.reset();
      const body = JSON.stringify(review(via("team/vuln:1")));
      const answer = await new Promise<{ response: { allowed: boolean; status?: { message: string } } }>((resolve, reject) => {
        const req = https.request({ host: "127.0.0.1", port, path: "/validate", method: "POST", ca: readFileSync(join(tls, "c.pem")), headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        });
        req.on("error", reject);
        req.end(body);
      });
      expect(answer.response.allowed).toBe(false);
      expect(answer.response.status!.message).toContain("CVE-2099-0001 CRITICAL in curl");
      expect(blobs()).toEqual([]);
      expect(log).not.toContain("server lookup failed");
      expect(log).not.toContain(tokens.reader!);
    } finally {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    }
  }, 60_000);

  it("with a rule that needs the image config (forbidRootUser): only the config blob is read, never a layer", async () => {
    const { ctl, verdicts } = make(["vulnerabilities: { maxSeverity: CRITICAL }", "forbidRootUser: true"]);
    proxy.reset();
    const r = await ctl.validate(review(via("team/root:1")));
    expect(r.response.allowed).toBe(false);
    expect(r.response.status!.message).toContain("[policy/forbidRootUser]");
    expect(r.response.status!.message).not.toContain("[policy/vulnerabilities]");
    expect(verdicts.serverStats.used).toBe(1);
    expect(blobs().every((q) => q.includes(images.root!.config.digest))).toBe(true);
    expect(blobs().some((q) => images.root!.layers.some((l) => q.includes(l.digest)))).toBe(false);
    verdicts.close();
  }, 60_000);
});
