// registry scan against a real registry (Debian's docker-registry): pagination, filters, one scan
// per digest, multi-platform indexes, a broken repository, incremental state (proved without
// pulls by counting blob GETs through a relay and by deleting the blobs), and auth.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage, pushIndex } from "../../src/image/registry/index.js";
import { importPaths, registryScan, scan, type RegistryScanOptions, type RegistryScanResult } from "../../src/index.js";
import { summarize } from "../../src/registry/scan/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage, type BuiltImage, type ImageSpec } from "../support/image-builder.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const skipReason = missingTool("registry scan tests", REGISTRY_AUTH_TOOLS);
const work = mkdtempSync(join(tmpdir(), "bw-regscan-"));
const DB = join(work, "advisories.db");
const fast = { retry: { attempts: 2, baseDelayMs: 5 } };

function spec(name: string, created: string, extra: { arch?: string } = {}): ImageSpec {
  return {
    created,
    ...(extra.arch ? { architecture: extra.arch } : {}),
    layers: [
      { createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] },
      { createdBy: `COPY ${name}`, entries: [{ path: `srv/${name}.txt`, content: `${name}\n` }] },
    ],
  };
}

function osv(id: string, name: string, fixed: string, vector: string): string {
  return JSON.stringify({
    schema_version: "1.6.0",
    id,
    modified: "2026-01-01T00:00:00Z",
    published: "2026-01-01T00:00:00Z",
    summary: `${name} test advisory`,
    affected: [{ package: { ecosystem: "Debian:12", name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
    severity: [{ type: "CVSS_V3", score: vector }],
  });
}

const emptyConfig = (): string => {
  const file = join(work, "empty-docker-config.json");
  writeFileSync(file, "{}");
  return file;
};

const blobFile = (reg: RegistryServer, digest: string): string => {
  const hex = digest.replace(/^sha256:/, "");
  return join(reg.dataDir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
};

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(skipReason !== undefined)("registry scan with a real registry", () => {
  let reg: RegistryServer;
  let proxy: FaultProxy;
  const img: Record<string, BuiltImage> = {};
  let amd64: BuiltImage;
  let arm64: BuiltImage;
  let indexDigest: string;
  const base = (): RegistryScanOptions => ({ cacheDir: join(work, "cache"), scanners: ["package", "vuln"], vuln: { db: DB, offline: true }, ...fast });

  beforeAll(async () => {
    reg = await startRegistry();
    // docker-registry 2.8 honours `n` on the catalog but not on tags/list (distribution 3 does):
    // the relay pages the registry's real tags answer the way distribution 3 does.
    proxy = await startFaultProxy(reg.host, (req, res, url) => {
      const m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
      const n = Number(url.searchParams.get("n"));
      if (!m || !n || n >= 1000) return false;
      void fetch(`http://${reg.host}${url.pathname}`).then(async (up) => {
        const body = (await up.json()) as { name: string; tags: string[] };
        const last = url.searchParams.get("last");
        const rest = body.tags.sort().filter((t) => last === null || t > last);
        const page = rest.slice(0, n);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (rest.length > n) headers["link"] = `<${url.pathname}?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
        res.writeHead(200, headers).end(JSON.stringify({ name: body.name, tags: page }));
      });
      return req.method === "GET";
    });
    const push = (ref: string, i: BuiltImage) => pushImage(`${reg.host}/${ref}`, i, fast);
    img.one10 = await buildImage(spec("one-1.0", "2024-01-01T00:00:00Z"));
    img.one11 = await buildImage(spec("one-1.1", "2024-02-01T00:00:00Z"));
    await push("app/one:1.0", img.one10);
    await push("app/one:1.1", img.one11);
    await push("app/one:latest", img.one11);
    await push("app/mirror:1.1", img.one11); // the same image in another repository
    for (let v = 1; v <= 7; v++) {
      img[`two${v}`] = await buildImage(spec(`two-${v}`, `2025-0${v}-01T00:00:00Z`));
      await push(`app/two:v${v}`, img[`two${v}`]!);
    }
    img.lib = await buildImage(spec("lib", "2023-01-01T00:00:00Z"));
    for (let i = 0; i < 8; i++) await push(`lib/x${i}:1`, img.lib);
    amd64 = await buildImage(spec("multi", "2024-03-01T00:00:00Z", { arch: "amd64" }));
    arm64 = await buildImage(spec("multi", "2024-03-01T00:00:00Z", { arch: "arm64" }));
    indexDigest = (await pushIndex(`${reg.host}/multi/x:1`, [amd64, arm64], fast)).digest;
    img.broken = await buildImage(spec("broken", "2024-04-01T00:00:00Z"));
    await push("broken/x:1", img.broken);
    // Break it in the registry's storage: its own layer now hashes to something else.
    writeFileSync(blobFile(reg, img.broken.layers[1]!.digest), Buffer.from("not the layer"));
    mkdirSync(join(work, "osv"));
    writeFileSync(join(work, "osv", "TEST-ZLIB.json"), osv("TEST-ZLIB-1", "zlib", "1:1.3.dfsg-1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
    await importPaths(DB, [join(work, "osv")]);
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  const find = (r: RegistryScanResult, repository: string, tag: string) => r.images.filter((i) => i.repository === repository && i.tags.includes(tag));

  it("lists every repository and tag through small pages, scans each manifest once, and reports a broken repository", async () => {
    proxy.reset();
    const r = await registryScan(proxy.host, { ...base(), listLimits: { pageSize: 4 }, cacheDir: join(work, "cache-pages") });
    // The registry's own unpaged answer is the reference.
    const catalog = (await (await fetch(`http://${reg.host}/v2/_catalog?n=1000`)).json()) as { repositories: string[] };
    expect(catalog.repositories).toHaveLength(13);
    expect(proxy.count("GET", /^\/v2\/_catalog/)).toBe(Math.ceil(catalog.repositories.length / 4));
    expect(proxy.count("GET", /^\/v2\/app\/two\/tags\/list/)).toBe(2); // 7 tags, 4 per page
    const listed = [...new Set([...r.images.map((i) => i.repository), ...r.errors.map((e) => e.repository)])].sort();
    expect(listed).toEqual(catalog.repositories);

    // Tags sharing a digest are one entry; the same digest in two repositories is pulled once.
    const one11 = find(r, "app/one", "latest");
    expect(one11).toHaveLength(1);
    expect(one11[0]!.tags).toEqual(["1.1", "latest"]);
    expect(one11[0]!.digest).toBe(img.one11!.manifest.digest);
    expect(find(r, "app/mirror", "1.1")[0]!.summary).toEqual(one11[0]!.summary);
    expect(find(r, "app/two", "v3")[0]!.digest).toBe(img.two3!.manifest.digest);
    // Every distinct layer blob was fetched once: the shared base layer reached the (empty) layer
    // cache before the other images were analysed.
    const layerGets = proxy.requests.filter((q) => /^GET \/v2\/.+\/blobs\//.test(q) && !q.includes(img.broken!.config.digest));
    const layerDigests = layerGets.map((q) => q.slice(q.lastIndexOf("/") + 1));
    const configs = new Set(Object.values(img).map((i) => i.config.digest).concat(amd64.config.digest));
    const layersOnly = layerDigests.filter((d) => !configs.has(d));
    expect(new Set(layersOnly).size).toBeGreaterThanOrEqual(12);
    expect(layersOnly.length).toBe(new Set(layersOnly).size);
    for (const rep of ["lib/x0", "lib/x7"]) expect(find(r, rep, "1")[0]!.source).toBe("scanned");

    // Multi-platform: linux/amd64 by default.
    const multi = find(r, "multi/x", "1");
    expect(multi).toHaveLength(1);
    expect(multi[0]!.digest).toBe(indexDigest);
    expect(multi[0]!.manifestDigest).toBe(amd64.manifest.digest);
    expect(multi[0]!.platform).toBe("linux/amd64");

    // The broken repository is in errors[], the rest scanned.
    expect(r.errors).toEqual([{ repository: "broken/x", tag: "1", message: expect.stringMatching(/digest|sha256/i) }]);
    expect(r.images.filter((i) => i.repository !== "broken/x")).toHaveLength(1 + 1 + 1 + 7 + 8 + 1);

    // Summaries agree with a plain scan of the same reference.
    const ref = await scan(`registry:${reg.host}/app/one@${img.one11!.manifest.digest}`, { scanners: ["package", "vuln"], vuln: { db: DB, offline: true }, noCache: true });
    expect(one11[0]!.summary).toEqual(summarize(ref));
    expect(one11[0]!.summary.packages).toBe(BASE_PKGS.length);
    expect(one11[0]!.summary.vulnerabilities.CRITICAL).toBeGreaterThan(0);
    expect(one11[0]!.os).toBe("debian 12");
  }, 120_000);

  it("filters repositories and tags with globs, and a namespace", async () => {
    const r = await registryScan(`${reg.host}/app`, { ...base(), repo: ["app/t*"], tag: ["v[1-3]", "v7"] });
    expect(r.errors).toEqual([]);
    expect(r.images.map((i) => `${i.repository}:${i.tags.join(",")}`).sort()).toEqual(["app/two:v1", "app/two:v2", "app/two:v3", "app/two:v7"]);
    const ns = await registryScan(`${reg.host}/lib`, { ...base(), tag: ["1"] });
    expect(new Set(ns.images.map((i) => i.repository)).size).toBe(8);
    expect(ns.images.every((i) => i.repository.startsWith("lib/"))).toBe(true);
    const deep = await registryScan(reg.host, { ...base(), repo: ["**/x"] });
    expect(deep.images.map((i) => i.repository).sort()).toEqual(["multi/x"]);
  }, 60_000);

  it("--max-tags keeps the newest tags, --since the recent images", async () => {
    const now = new Date("2025-07-15T00:00:00Z");
    const r = await registryScan(reg.host, { ...base(), repo: ["app/two", "app/one"], maxTags: 2, now });
    expect(r.images.filter((i) => i.repository === "app/two").flatMap((i) => i.tags).sort()).toEqual(["v6", "v7"]);
    // app/one: 1.1 and latest share the newest image; 1.0 is older.
    expect(r.images.filter((i) => i.repository === "app/one").flatMap((i) => i.tags).sort()).toEqual(["1.1", "latest"]);
    const recent = await registryScan(reg.host, { ...base(), repo: ["app/*"], sinceMs: 50 * 86_400_000, now });
    expect(recent.images.map((i) => `${i.repository}:${i.tags.join(",")}`)).toEqual(["app/two:v6", "app/two:v7"]);
  }, 60_000);

  it("--platform all and a chosen platform", async () => {
    const all = await registryScan(reg.host, { ...base(), repo: ["multi/x"], platforms: "all" });
    expect(all.images.map((i) => [i.platform, i.manifestDigest]).sort()).toEqual([
      ["linux/amd64", amd64.manifest.digest],
      ["linux/arm64", arm64.manifest.digest],
    ]);
    const arm = await registryScan(reg.host, { ...base(), repo: ["multi/x", "app/one"], platforms: ["linux/arm64"] });
    // Single-platform amd64 images are left out when another platform is asked for.
    expect(arm.images.map((i) => `${i.repository} ${i.platform}`)).toEqual(["multi/x linux/arm64"]);
  }, 60_000);

  it("--concurrency N: exactly N images in flight", async () => {
    // Each image scan fetches its config once; the relay holds config answers for 300 ms and
    // records how many are pending at once.
    const configs = new Set(Array.from({ length: 7 }, (_, v) => img[`two${v + 1}`]!.config.digest));
    let inflight = 0;
    let peak = 0;
    const slow = await startFaultProxy(reg.host, (req, res, url) => {
      const digest = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
      if (req.method !== "GET" || !configs.has(digest)) return false;
      peak = Math.max(peak, ++inflight);
      setTimeout(() => {
        void fetch(`http://${reg.host}${url.pathname}`).then(async (up) => {
          const body = Buffer.from(await up.arrayBuffer());
          inflight--;
          res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/octet-stream", "content-length": String(body.length) }).end(body);
        });
      }, 300);
      return true;
    });
    try {
      for (const n of [2, 5]) {
        peak = 0;
        const r = await registryScan(slow.host, { ...base(), repo: ["app/two"], concurrency: n, noCache: true });
        expect(r.images).toHaveLength(7);
        expect(peak).toBe(n);
      }
    } finally {
      await slow.stop();
    }
  }, 60_000);

  it("incremental: a re-run pulls nothing, and newer advisories are re-matched without a pull", async () => {
    const state = join(work, "state.json");
    const opts = { ...base(), repo: ["app/*", "multi/x"], state };
    const first = await registryScan(proxy.host, opts);
    expect(first.errors).toEqual([]);
    expect(first.images.every((i) => i.source === "scanned")).toBe(true);
    expect(existsSync(state)).toBe(true);

    proxy.reset();
    const second = await registryScan(proxy.host, opts);
    expect(proxy.count("GET", /\/blobs\//)).toBe(0);
    expect(second.images.map((i) => i.source)).toEqual(first.images.map(() => "reused"));
    expect(second.images.map((i) => i.summary)).toEqual(first.images.map((i) => i.summary));

    // A newer advisory database: the stored inventories are matched again.
    writeFileSync(join(work, "osv", "TEST-BASH.json"), osv("TEST-BASH-1", "bash", "5.2.15-2+b8", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N"));
    await importPaths(DB, [join(work, "osv")]);
    // Remove the layer blobs from the registry: a pull could not succeed any more.
    for (const i of [...Object.values(img), amd64]) for (const l of i.layers) rmSync(blobFile(reg, l.digest), { force: true });
    proxy.reset();
    // Without reports, images with the same packages share one match.
    const rematched = await registryScan(proxy.host, opts);
    expect(proxy.count("GET", /\/blobs\//)).toBe(0);
    expect(rematched.errors).toEqual([]);
    expect(rematched.images.map((i) => i.source)).toEqual(first.images.map(() => "rematched"));
    // With --full each image is matched on its own: the same summaries, from real reports.
    const third = await registryScan(proxy.host, { ...opts, full: true });
    expect(proxy.count("GET", /\/blobs\//)).toBe(0);
    expect(third.errors).toEqual([]);
    expect(third.images.map((i) => i.source)).toEqual(first.images.map(() => "reused"));
    for (const [i, image] of third.images.entries()) {
      expect(image.summary.vulnerabilities.MEDIUM).toBe(first.images[i]!.summary.vulnerabilities.MEDIUM + 1);
      expect(image.report!.vulnerabilities.map((v) => v.source.id).sort()).toEqual(["TEST-BASH-1", "TEST-ZLIB-1"]);
      expect(summarize(image.report!)).toEqual(image.summary);
      expect(rematched.images[i]!.summary).toEqual(image.summary);
    }
    // The state file stores each distinct package list once.
    const stored = JSON.parse(readFileSync(state, "utf8")) as { packages: Record<string, unknown[]>; images: Record<string, { inventory: { packages: string } }> };
    const refs = Object.values(stored.images).map((e) => e.inventory.packages);
    expect(refs.every((k) => Array.isArray(stored.packages[k]))).toBe(true);
    expect(Object.keys(stored.packages).length).toBe(new Set(refs).size);
    expect(Object.keys(stored.packages).length).toBeLessThan(refs.length);
    // A state file is bound to its registry, and a damaged one is refused with a clear error.
    await expect(registryScan(reg.host, opts)).rejects.toThrow(/belongs to registry 127\.0\.0\.1:\d+, not 127/);
    const damaged = join(work, "damaged-state.json");
    writeFileSync(damaged, readFileSync(state, "utf8").slice(0, 100));
    await expect(registryScan(proxy.host, { ...opts, state: damaged })).rejects.toThrow(/not valid JSON \(remove it to start afresh\)/);
    // --output-dir writes one report per digest.
    const dir = join(work, "reports");
    const fourth = await registryScan(proxy.host, { ...opts, outputDir: dir });
    const digests = new Set(fourth.images.map((i) => i.manifestDigest ?? i.digest));
    expect(readdirSync(dir).sort()).toEqual([...digests].map((d) => `${d.replace(":", "-")}.json`).sort());
  }, 120_000);
});

describe.skipIf(skipReason !== undefined)("registry scan with htpasswd auth", () => {
  let reg: RegistryServer;
  const user = { user: "scanner", password: "n0t-in-0utput-9" };

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: user });
    const i = await buildImage(spec("auth", "2024-01-01T00:00:00Z"));
    await pushImage(`${reg.host}/team/app:1`, i, { username: user.user, password: user.password, ...fast });
  }, 60_000);
  afterAll(async () => {
    await reg?.stop();
  });

  it("lists and scans with credentials; without them the catalog refusal is fatal and names no secret", async () => {
    const ok = await registryScan(reg.host, { username: user.user, password: user.password, scanners: ["package"], noCache: true, ...fast });
    expect(ok.errors).toEqual([]);
    expect(ok.images.map((i) => `${i.repository}:${i.tags[0]}`)).toEqual(["team/app:1"]);
    expect(ok.images[0]!.summary.packages).toBe(BASE_PKGS.length);
    await expect(registryScan(reg.host, { scanners: ["package"], dockerConfigPath: emptyConfig(), ...fast })).rejects.toThrow(/401|denied|credentials/i);
    const wrong = await registryScan(reg.host, { username: user.user, password: "wrong-pass-77", scanners: ["package"], ...fast }).catch((e: Error) => e);
    expect(wrong).toBeInstanceOf(Error);
    expect((wrong as Error).message).toMatch(/authentication failed/);
    expect((wrong as Error).message).not.toContain("wrong-pass-77");
  }, 60_000);
});
