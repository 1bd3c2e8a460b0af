// registry scan against hostile answers: a fault-injecting relay in front of a real registry
// (Debian's docker-registry) serves an endless pagination loop, a catalog of a million names made
// up on the fly, tags lists that never end (one endless body, one endless run of pages) and a
// huge manifest. Each is bounded in time and memory, named in errors[], and the rest is scanned.
import { mkdtempSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/index.js";
import { registryScan, type RegistryScanOptions } from "../../src/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildImage } from "../support/image-builder.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const skipReason = missingTool("hostile registry scan tests", REGISTRY_TOOLS);
const work = mkdtempSync(join(tmpdir(), "bw-regscan-hostile-"));
const fast = { retry: { attempts: 2, baseDelayMs: 5 } };
const MILLION = 1_000_000;
const REPOS = ["good/a", "good/b", "victim/endless", "victim/huge", "victim/pages"];

/** Writes `chunk` until the client goes away; returns the bytes written. */
function endless(res: ServerResponse, head: string, chunk: string): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.write(head);
  const piece = Buffer.from(chunk.repeat(64 * 1024 / chunk.length));
  const pump = (): void => {
    while (!res.destroyed && res.write(piece));
    if (!res.destroyed) res.once("drain", pump);
  };
  res.on("close", () => res.removeAllListeners("drain"));
  pump();
}

describe.skipIf(skipReason !== undefined)("registry scan against a hostile registry", () => {
  let reg: RegistryServer;
  let proxy: FaultProxy;
  let catalogMode: "million" | "loop" | "bad-names" = "million";
  let pages = 0;

  beforeAll(async () => {
    reg = await startRegistry();
    const image = await buildImage({
      layers: [{ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }],
    });
    for (const r of REPOS) await pushImage(`${reg.host}/${r}:1`, image, fast);
    proxy = await startFaultProxy(reg.host, (req, res, url) => {
      const p = url.pathname;
      if (p === "/v2/_catalog") {
        const n = Math.min(Number(url.searchParams.get("n") || 100), 10_000);
        if (catalogMode === "bad-names") {
          // Names that are no repository names (they would go into request paths), and a next
          // link to another host.
          res.writeHead(200, { "content-type": "application/json", link: '<http://elsewhere.example/v2/_catalog?n=5&last=x>; rel="next"' });
          res.end(JSON.stringify({ repositories: [...REPOS, "../../etc", "good/../../v2", "UPPER/x", "q?x=1"] }));
          return true;
        }
        if (catalogMode === "loop") {
          // Always the same names and a next link that never advances.
          res.writeHead(200, { "content-type": "application/json", link: `</v2/_catalog?n=${n}&last=good%2Fa>; rel="next"` });
          res.end(JSON.stringify({ repositories: REPOS }));
          return true;
        }
        // The real repositories, then "zz/junk-NNNNNNN" up to a million names, made per page.
        const last = url.searchParams.get("last");
        const start = last === null ? 0 : last.startsWith("zz/junk-") ? REPOS.length + Number(last.slice(8)) + 1 : REPOS.indexOf(last) + 1;
        const names: string[] = [];
        for (let i = start; i < MILLION && names.length < n; i++) names.push(i < REPOS.length ? REPOS[i]! : `zz/junk-${String(i - REPOS.length).padStart(7, "0")}`);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (start + names.length < MILLION) headers["link"] = `</v2/_catalog?n=${n}&last=${encodeURIComponent(names[names.length - 1]!)}>; rel="next"`;
        res.writeHead(200, headers).end(JSON.stringify({ repositories: names }));
        return true;
      }
      if (p === "/v2/good/b/tags/list" && catalogMode === "bad-names") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "good/b", tags: ["1", "../../blobs/x", "bad tag"] }));
        return true;
      }
      if (p === "/v2/victim/endless/tags/list") {
        endless(res, '{"name":"victim/endless","tags":["', "a");
        return true;
      }
      if (p === "/v2/victim/pages/tags/list") {
        // A fresh page of new tags every time, with a next link, forever.
        const n = Math.min(Number(url.searchParams.get("n") || 100), 10_000);
        const tags = Array.from({ length: n }, () => `t${pages++}`);
        res.writeHead(200, { "content-type": "application/json", link: `</v2/victim/pages/tags/list?n=${n}&last=${tags[n - 1]}>; rel="next"` });
        res.end(JSON.stringify({ name: "victim/pages", tags }));
        return true;
      }
      if (p === "/v2/victim/huge/manifests/1" && req.method === "HEAD") {
        res.writeHead(200, { "docker-content-digest": `sha256:${"a".repeat(64)}`, "content-type": "application/vnd.oci.image.manifest.v1+json" }).end();
        return true;
      }
      if (p.startsWith("/v2/victim/huge/manifests/")) {
        endless(res, '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[', '{"x":1},');
        return true;
      }
      return false;
    });
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const opts = (): RegistryScanOptions => ({ scanners: ["package"], cacheDir: join(work, "cache"), ...fast });

  it("a million-name catalog, endless tags lists and a huge manifest: bounded, named in errors[], the rest scanned", async () => {
    catalogMode = "million";
    const started = Date.now();
    const rssBefore = process.memoryUsage().rss;
    const r = await registryScan(proxy.host, { ...opts(), repo: ["good/*", "victim/*"] });
    const seconds = (Date.now() - started) / 1000;
    expect(r.images.map((i) => `${i.repository}:${i.tags.join(",")}`)).toEqual(["good/a:1", "good/b:1"]);
    expect(r.images.every((i) => i.summary.packages === BASE_PKGS.length)).toBe(true);
    const byRepo = new Map(r.errors.map((e) => [`${e.repository}${e.tag ? `:${e.tag}` : ""}`, e.message]));
    expect([...byRepo.keys()].sort()).toEqual(["", "victim/endless", "victim/huge:1", "victim/pages"]);
    expect(byRepo.get("")).toMatch(/more than 100000 names; stopped listing/);
    expect(byRepo.get("victim/endless")).toMatch(/larger than \d+ bytes/);
    expect(byRepo.get("victim/pages")).toMatch(/more than 100000 names; stopped listing/);
    expect(byRepo.get("victim/huge:1")).toMatch(/larger than \d+ bytes/);
    // The catalog was read in pages up to the cap, not to the end of the million.
    expect(proxy.count("GET", /^\/v2\/_catalog/)).toBeLessThanOrEqual(101);
    expect(seconds).toBeLessThan(60);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 2 ** 20);
  }, 120_000);

  it("a next link that never advances is a pagination loop: stopped after one repeat, the listed names scanned", async () => {
    catalogMode = "loop";
    proxy.reset();
    const r = await registryScan(proxy.host, { ...opts(), repo: ["good/*"] });
    expect(r.images.map((i) => i.repository)).toEqual(["good/a", "good/b"]);
    expect(r.errors).toEqual([{ repository: "", message: expect.stringMatching(/pagination loop/) }]);
    expect(proxy.count("GET", /^\/v2\/_catalog/)).toBe(2);
  }, 60_000);

  it("names outside the distribution grammar are left out (they would go into request paths); a next link to another host is not followed", async () => {
    catalogMode = "bad-names";
    proxy.reset();
    const r = await registryScan(proxy.host, { ...opts(), repo: ["good/*", "*", "**"] });
    expect(r.images.map((i) => `${i.repository}:${i.tags.join(",")}`)).toEqual(["good/a:1", "good/b:1"]);
    const catalogErrors = r.errors.filter((e) => e.repository === "").map((e) => e.message);
    expect(catalogErrors).toEqual([expect.stringMatching(/another host \(elsewhere\.example\)/), expect.stringMatching(/^4 invalid repository names left out/)]);
    expect(r.errors.find((e) => e.repository === "good/b")?.message).toMatch(/^2 invalid tags left out/);
    expect(proxy.requests.filter((q) => q.includes("..") || q.includes("UPPER"))).toEqual([]);
  }, 60_000);
});
