// Image verdicts of the admission controller against a real docker-registry, through a relay that
// can slow the registry down: a cold image is answered per the fail mode when its check does not
// finish before the deadline, the check goes on in the background and its verdict serves the next
// request; warm verdicts are kept by digest in memory and in files shared between instances; a tag
// is resolved to the digest the registry's own API reports.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { admission, importPaths, parsePolicy, type PolicyCheckOptions } from "../../src/index.js";
import { BASE_PKGS, criticalOsv, debianOsRelease, dpkgStatus } from "../support/fixtures.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildImage } from "../support/image-builder.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const work = mkdtempSync(join(tmpdir(), "bw-adm-verdicts-"));
const DB = join(work, "db.sqlite");
const osRelease = debianOsRelease;
const rec = criticalOsv;

type Obj = Record<string, unknown>;
let uid = 0;
const review = (images: string[], ns = "shop"): Obj => ({
  apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
  request: { uid: `r-${++uid}`, kind: { group: "", version: "v1", kind: "Pod" }, namespace: ns, operation: "CREATE", object: { apiVersion: "v1", kind: "Pod", metadata: { name: `p${uid}` }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
});

describe.skipIf(missingTool("admission verdict tests", REGISTRY_TOOLS) !== undefined)("admission verdicts against a real registry", () => {
  let reg: RegistryServer;
  let proxy: FaultProxy;
  let delayMs = 0;
  const digests: Record<string, string> = {};
  const via = (repo: string) => `${proxy.host}/${repo}`;

  beforeAll(async () => {
    reg = await startRegistry();
    // Blob downloads through the relay wait `delayMs` (a slow registry); manifests do not.
    proxy = await startFaultProxy(reg.host, (req, res, url) => {
      if (delayMs === 0 || !/\/blobs\//.test(url.pathname)) return false;
      setTimeout(() => {
        res.writeHead(503, { "content-type": "application/json" });
        res.end('{"errors":[{"code":"UNAVAILABLE","message":"slow"}]}');
      }, delayMs);
      return true;
    });
    const layer = (v: string, c: string, pkgs = BASE_PKGS) => ({ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: osRelease(v, c) }, { path: "var/lib/dpkg/status", content: dpkgStatus(pkgs) }] });
    for (const [repo, image] of [
      ["team/good", await buildImage({ user: "app", layers: [layer("13", "trixie")] })],
      ["team/vuln", await buildImage({ user: "app", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }])] })],
      ["team/cold", await buildImage({ user: "app", layers: [layer("13", "trixie"), { createdBy: "RUN x", entries: [{ path: "etc/motd", content: "cold\n" }] }] })],
    ] as const) {
      digests[repo] = (await pushImage(`${reg.host}/${repo}:1`, image)).digest;
      // Cross-check with the registry's own API.
      const head = await fetch(`http://${reg.host}/v2/${repo}/manifests/1`, { method: "HEAD", headers: { accept: "application/vnd.oci.image.manifest.v1+json" } });
      expect(head.headers.get("docker-content-digest")).toBe(digests[repo]);
    }
    const osv = join(work, "osv");
    mkdirSync(osv);
    writeFileSync(join(osv, "a.json"), JSON.stringify(rec("DEBIAN-CVE-2099-0001", "Debian:10", "curl", "7.64.0-4+deb10u9")));
    writeFileSync(join(osv, "b.json"), JSON.stringify(rec("DEBIAN-CVE-2099-0100", "Debian:13", "zlib", "1:1.2.0-1")));
    await importPaths(DB, [osv]);
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const policy = () => parsePolicy(["apiVersion: bulwark.dev/v1", "kind: ImagePolicy", "rules:", "  vulnerabilities: { maxSeverity: HIGH }", "  forbidRootUser: true", ""].join("\n"), { baseDir: work });
  const check = (): PolicyCheckOptions => ({ scan: { cacheDir: join(work, "layers"), vuln: { db: DB, offline: true } } });
  function make(failMode: "open" | "closed", timeoutMs: number, cacheDir?: string) {
    const verdicts = new admission.VerdictCache({ policy: policy(), check: check(), registry: {}, ...(cacheDir ? { cacheDir } : {}) });
    return { verdicts, ctl: new admission.AdmissionController({ rules: admission.ruleSelection("baseline", undefined), mode: "enforce", failMode, timeoutMs, verdicts }) };
  }

  it("a tag is resolved to the registry's digest; a vulnerable image is denied and a clean one admitted, then served warm from memory", async () => {
    const { ctl, verdicts } = make("closed", 8000);
    const bad = await ctl.validate(review([via("team/vuln:1")]));
    expect(bad.response.allowed).toBe(false);
    expect(bad.response.status!.message).toContain("CVE-2099-0001 CRITICAL in curl");
    const good = await ctl.validate(review([via("team/good:1")]));
    expect(good.response.allowed, good.response.status?.message).toBe(true);
    const resolved = await verdicts.resolve(via("team/good:1"), true);
    expect(resolved.digest).toBe(digests["team/good"]);
    // Warm: by digest, no registry request at all; by tag within the tag TTL, none either.
    proxy.reset();
    const t0 = performance.now();
    const warm = await ctl.validate(review([`${via("team/good")}@${digests["team/good"]}`, via("team/good:1")]));
    const ms = performance.now() - t0;
    expect(warm.response.allowed).toBe(true);
    expect(proxy.requests).toEqual([]);
    expect(ms).toBeLessThan(200);
    verdicts.close();
  }, 60_000);

  it("a cold image not checked before the deadline: fail closed denies, fail open admits with a warning; the background check then decides", async () => {
    delayMs = 1500;
    try {
      const closed = make("closed", 300);
      const t0 = performance.now();
      const r = await closed.ctl.validate(review([via("team/cold:1")]));
      expect(performance.now() - t0).toBeLessThan(1200);
      expect(r.response.allowed).toBe(false);
      expect(r.response.status!.message).toMatch(/image .*team\/cold:1 not verified: the image check did not finish in time .*\(fail closed\)/);
      const open = make("open", 300);
      const o = await open.ctl.validate(review([via("team/cold:1")]));
      expect(o.response.allowed).toBe(true);
      expect(o.response.warnings!.join("\n")).toMatch(/not verified: .*\(fail open\)/);
      expect(o.response.auditAnnotations!.verdict).toBe("unverified");
      // The slow registry answers 503 to blobs: the background check ends in an error, which is not cached.
      const until = Date.now() + 30_000;
      while ((closed.verdicts.pending > 0 || open.verdicts.pending > 0) && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
      expect(closed.verdicts.pending).toBe(0);
      expect(closed.verdicts.cached(await closed.verdicts.resolve(via("team/cold:1"), true))).toBeUndefined();
      const again = await closed.ctl.validate(review([via("team/cold:1")]));
      expect(again.response.allowed).toBe(false);
      delayMs = 0;
      // Registry healthy again: a check that outlives the deadline is finished in the background and serves the next request.
      const fresh = make("closed", 8000);
      const done = await fresh.ctl.validate(review([via("team/cold:1")]));
      expect(done.response.allowed, done.response.status?.message).toBe(true);
      for (const x of [closed, open, fresh]) x.verdicts.close();
    } finally {
      delayMs = 0;
    }
  }, 60_000);

  it("a check that finishes after the deadline is used by the next request (background scan)", async () => {
    // A fresh layer cache makes the first check slower than a 1 ms deadline.
    const verdicts = new admission.VerdictCache({ policy: policy(), check: { scan: { cacheDir: join(work, "layers-bg"), vuln: { db: DB, offline: true } } }, registry: {} });
    const ctl = new admission.AdmissionController({ rules: admission.ruleSelection("baseline", undefined), mode: "enforce", failMode: "closed", timeoutMs: 1, verdicts });
    const first = await ctl.validate(review([via("team/vuln:1")]));
    expect(first.response.allowed).toBe(false);
    expect(first.response.status!.message).toContain("not verified");
    const pinned = await verdicts.resolve(`${via("team/vuln")}@${digests["team/vuln"]}`, true);
    const end = Date.now() + 20_000;
    while (!verdicts.cached(pinned) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(verdicts.cached(pinned)?.verdict).toBe("fail");
    const second = await ctl.validate(review([`${via("team/vuln")}@${digests["team/vuln"]}`]));
    expect(second.response.status!.message).toContain("CVE-2099-0001 CRITICAL in curl");
    verdicts.close();
  }, 60_000);

  it("verdict files are shared: a second instance with the same cache directory needs no registry access for a digest", async () => {
    const dir = join(work, "shared");
    const a = make("closed", 8000, dir);
    expect((await a.ctl.validate(review([`${via("team/vuln")}@${digests["team/vuln"]}`]))).response.allowed).toBe(false);
    expect(readdirSync(join(dir, "admission-verdicts")).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const b = make("closed", 8000, dir);
    proxy.reset();
    const r = await b.ctl.validate(review([`${via("team/vuln")}@${digests["team/vuln"]}`]));
    expect(r.response.allowed).toBe(false);
    expect(r.response.status!.message).toContain("CVE-2099-0001");
    expect(proxy.requests).toEqual([]);
    a.verdicts.close();
    b.verdicts.close();
  }, 60_000);

  it("/mutate pins tags of passing images to their digest, and leaves failing ones", async () => {
    const { ctl, verdicts } = make("closed", 8000);
    const out = await ctl.mutate(review([via("team/good:1"), via("team/vuln:1"), `${via("team/good")}@${digests["team/good"]}`]));
    expect(out.response.allowed).toBe(true);
    expect(out.response.patchType).toBe("JSONPatch");
    expect(JSON.parse(Buffer.from(out.response.patch!, "base64").toString())).toEqual([{ op: "replace", path: "/spec/containers/0/image", value: `${via("team/good:1")}@${digests["team/good"]}` }]);
    verdicts.close();
  }, 60_000);
});
