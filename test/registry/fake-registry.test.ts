// Behaviour a real registry will not produce on demand, against a tiny node:http server.
import type { ServerResponse } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRegistryImage } from "../../src/image/registry/index.js";
import { buildImage, type BuiltImage } from "../support/image-builder.js";
import { imageRoutes, startServer, type FakeServer, type Handler } from "./fake-server.js";
import { caught, expectSameImage, readAll } from "./helpers.js";

const fast = { retry: { baseDelayMs: 5 } };
const servers: FakeServer[] = [];
async function serve(...handlers: Handler[]): Promise<FakeServer> {
  const s = await startServer(...handlers);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function unauthorized(res: ServerResponse, challenge: string): true {
  res.writeHead(401, { "www-authenticate": challenge, "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
  return true;
}

let image: BuiltImage;
beforeAll(async () => {
  image = await buildImage({
    layers: [
      { entries: [{ path: "a.txt", content: "a".repeat(5000) }], createdBy: "ADD a /" },
      { entries: [{ path: "b.txt", content: "b" }], createdBy: "ADD b /" },
    ],
  });
});

describe("blob verification", () => {
  it("errors a layer stream whose bytes do not match the digest", async () => {
    const layer = image.layers[0]!;
    const tampered = Buffer.from(layer.bytes);
    tampered[tampered.length - 10]! ^= 0xff;
    const s = await serve(imageRoutes({ repository: "foo/bar", tag: "1", image, corrupt: { [layer.digest]: tampered } }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    const stream = await pulled.layers[0]!.open();
    let ended = false;
    stream.on("end", () => { ended = true; });
    const err = await caught(readAll(stream));
    expect(err.code).toBe("DIGEST_MISMATCH");
    expect(err.message).toContain(layer.digest);
    expect(ended).toBe(false);
    // The untouched layer still verifies.
    expect((await readAll(await pulled.layers[1]!.open())).equals(image.layers[1]!.bytes)).toBe(true);
    await pulled.close();
  });

  it("errors a truncated or oversized layer", async () => {
    const layer = image.layers[0]!;
    const s = await serve(imageRoutes(
      { repository: "short/one", tag: "1", image, corrupt: { [layer.digest]: layer.bytes.subarray(0, 100) } },
      { repository: "long/one", tag: "1", image, corrupt: { [layer.digest]: Buffer.concat([layer.bytes, Buffer.alloc(10)]) } },
    ));
    for (const repo of ["short/one", "long/one"]) {
      const pulled = await openRegistryImage(`${s.host}/${repo}:1`, fast);
      const err = await caught(readAll(await pulled.layers[0]!.open()));
      expect(err.code).toBe("DIGEST_MISMATCH");
      await pulled.close();
    }
  });

  it("refuses a config that does not match its digest", async () => {
    const s = await serve(imageRoutes({ repository: "foo/bar", tag: "1", image, corrupt: { [image.config.digest]: Buffer.from("{}") } }));
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, fast));
    expect(err.code).toBe("DIGEST_MISMATCH");
  });

  it("refuses a manifest whose Docker-Content-Digest disagrees", async () => {
    const s = await serve((_req, res, url) => {
      if (url.pathname !== "/v2/foo/bar/manifests/1") return false;
      res.writeHead(200, { "content-type": image.manifest.mediaType, "docker-content-digest": `sha256:${"1".repeat(64)}` });
      res.end(image.manifest.bytes);
      return true;
    });
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, fast));
    expect(err.code).toBe("DIGEST_MISMATCH");
  });

  it("refuses a manifest over the size cap with INPUT", async () => {
    const s = await serve((_req, res, url) => {
      if (url.pathname !== "/v2/foo/bar/manifests/1") return false;
      res.writeHead(200, { "content-type": image.manifest.mediaType, "content-length": String(5 << 20) });
      res.end(Buffer.alloc(5 << 20));
      return true;
    });
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, fast));
    expect(err.code).toBe("INPUT");
  });

  it("refuses schema 1 manifests as UNSUPPORTED", async () => {
    const s = await serve((_req, res, url) => {
      if (url.pathname !== "/v2/old/image/manifests/1") return false;
      res.writeHead(200, { "content-type": "application/vnd.docker.distribution.manifest.v1+prettyjws" });
      res.end(JSON.stringify({ schemaVersion: 1, name: "old/image", tag: "1", fsLayers: [], history: [] }));
      return true;
    });
    const err = await caught(openRegistryImage(`${s.host}/old/image:1`, fast));
    expect(err.code).toBe("UNSUPPORTED");
    expect(err.message).toContain("schema 1");
  });
});

describe("retries", () => {
  it("retries 503s and a 429 with Retry-After, then succeeds", async () => {
    let manifestCalls = 0;
    let blobCalls = 0;
    const s = await serve((_req, res, url) => {
      if (url.pathname.includes("/manifests/") && ++manifestCalls <= 2) {
        res.writeHead(503).end();
        return true;
      }
      if (url.pathname.endsWith(image.layers[0]!.digest) && ++blobCalls === 1) {
        res.writeHead(429, { "retry-after": "0" }).end();
        return true;
      }
      return false;
    }, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    await expectSameImage(pulled, image);
    await pulled.close();
    expect(manifestCalls).toBe(3);
    expect(blobCalls).toBe(2);
  });

  it("retries a reset connection", async () => {
    let calls = 0;
    const s = await serve((req, _res, url) => {
      if (url.pathname.includes("/manifests/") && ++calls === 1) {
        req.socket.destroy();
        return true;
      }
      return false;
    }, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    expect(pulled.layers).toHaveLength(2);
    await pulled.close();
    expect(calls).toBe(2);
  });

  it("gives up with NETWORK after the retry budget on persistent 500s", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNKNOWN", message: "storage broke" }] }));
      return true;
    });
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, fast));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain(s.host);
    expect(err.message).toContain("after 4 attempts");
    expect(s.requests.filter((r) => r.path.includes("/manifests/"))).toHaveLength(4);
  });

  it("gives up with NETWORK when the server never answers", async () => {
    const s = await serve(() => true); // accept the request, never respond
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, { retry: { baseDelayMs: 1, attempts: 2 }, timeouts: { headersMs: 100 } }));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain(s.host);
  });

  it("gives up with NETWORK when nothing listens", async () => {
    const s = await serve();
    const host = s.host;
    await s.close();
    const err = await caught(openRegistryImage(`${host}/foo/bar:1`, { retry: { baseDelayMs: 1, attempts: 2 } }));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain(`cannot reach ${host}`);
  });

  it("times out a blob that stalls mid-stream", async () => {
    const layer = image.layers[0]!;
    const s = await serve((_req, res, url) => {
      if (!url.pathname.endsWith(layer.digest)) return false;
      res.writeHead(200, { "content-length": layer.bytes.length });
      res.write(layer.bytes.subarray(0, 10)); // then nothing
      return true;
    }, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, { ...fast, timeouts: { idleMs: 150 } });
    const err = await caught(readAll(await pulled.layers[0]!.open()));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain("no data");
    await pulled.close();
  });
});

describe("resumed blob downloads", () => {
  /** Serves layer 0 in pieces: `plan[i]` says how the i-th GET of it is answered. */
  function flaky(plan: ("cut" | "range" | "whole" | "wrong-range")[]): { handler: Handler; ranges: (string | undefined)[] } {
    const layer = image.layers[0]!;
    const ranges: (string | undefined)[] = [];
    const handler: Handler = (req, res, url) => {
      if (!url.pathname.endsWith(`/blobs/${layer.digest}`)) return false;
      ranges.push(req.headers.range);
      const how = plan[ranges.length - 1] ?? "cut";
      const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
      if (how === "cut") {
        // Half of what is asked, then the connection drops.
        res.writeHead(from > 0 ? 206 : 200, { "content-length": layer.bytes.length - from, ...(from > 0 ? { "content-range": `bytes ${from}-${layer.bytes.length - 1}/${layer.bytes.length}` } : {}) });
        res.write(layer.bytes.subarray(from, from + Math.max(1, (layer.bytes.length - from) >> 1)), () => res.socket?.destroy());
      } else if (how === "whole") {
        res.writeHead(200, { "content-length": layer.bytes.length });
        res.end(layer.bytes);
      } else {
        const start = how === "wrong-range" ? from + 1 : from;
        res.writeHead(206, { "content-length": layer.bytes.length - start, "content-range": `bytes ${start}-${layer.bytes.length - 1}/${layer.bytes.length}` });
        res.end(layer.bytes.subarray(start));
      }
      return true;
    };
    return { handler, ranges };
  }

  it("resumes a layer whose connection broke mid-way with a Range request", async () => {
    const { handler, ranges } = flaky(["cut", "cut", "range"]);
    const s = await serve(handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    const bytes = await readAll(await pulled.layers[0]!.open());
    expect(bytes.equals(image.layers[0]!.bytes)).toBe(true);
    expect(ranges[0]).toBeUndefined();
    // Each resume asks from where the last one stopped.
    const offsets = ranges.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r ?? "")?.[1]));
    expect(offsets).toHaveLength(2);
    expect(offsets[0]).toBeGreaterThan(0);
    expect(offsets[1]).toBeGreaterThan(offsets[0]!);
    await pulled.close();
  });

  it("takes the whole blob again from a server that ignores Range, hashing each byte once", async () => {
    const { handler, ranges } = flaky(["cut", "whole"]);
    const s = await serve(handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    expect((await readAll(await pulled.layers[0]!.open())).equals(image.layers[0]!.bytes)).toBe(true);
    expect(ranges).toHaveLength(2);
    await pulled.close();
  });

  it("fails after five broken connections in a row, and on a resume at the wrong offset", async () => {
    const { handler } = flaky([]);
    const s = await serve(handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    const err = await caught(readAll(await pulled.layers[0]!.open()));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toMatch(/\(after 5 resumed downloads\)$/);
    await pulled.close();

    const wrong = flaky(["cut", "wrong-range"]);
    const s2 = await serve(wrong.handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled2 = await openRegistryImage(`${s2.host}/foo/bar:1`, fast);
    const err2 = await caught(readAll(await pulled2.layers[0]!.open()));
    expect(err2.code).toBe("NETWORK");
    expect(err2.message).toContain("resumed download starts at the wrong offset");
    await pulled2.close();
  });
});

describe("bearer tokens", () => {
  const token = "tok-" + "9".repeat(20);

  function tokenServer(opts: { basic?: string; field?: "token" | "access_token" } = {}): { handler: Handler; tokenRequests: URL[] } {
    const tokenRequests: URL[] = [];
    const handler: Handler = (req, res, url) => {
      if (url.pathname === "/token") {
        tokenRequests.push(url);
        if (opts.basic !== undefined && req.headers.authorization !== opts.basic) {
          res.writeHead(401).end();
          return true;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ [opts.field ?? "token"]: token, expires_in: 300 }));
        return true;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        const port = req.socket.localPort;
        return unauthorized(res, `Bearer realm="http://127.0.0.1:${port}/token",service="x",scope="repository:foo/bar:pull"`);
      }
      return false;
    };
    return { handler, tokenRequests };
  }

  it("gets an anonymous token, uses it, and caches it", async () => {
    const t = tokenServer();
    const s = await serve(t.handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, fast);
    await expectSameImage(pulled, image);
    await pulled.close();
    expect(t.tokenRequests).toHaveLength(1);
    expect(t.tokenRequests[0]!.searchParams.get("service")).toBe("x");
    expect(t.tokenRequests[0]!.searchParams.getAll("scope")).toEqual(["repository:foo/bar:pull"]);
    const tokenCall = s.requests.find((r) => r.path === "/token")!;
    expect(tokenCall.headers.authorization).toBeUndefined();
    // Only the first registry request went without the token.
    expect(s.requests.filter((r) => r.path.startsWith("/v2/") && !r.headers.authorization)).toHaveLength(1);
  });

  it("sends Basic credentials to the token endpoint and accepts access_token", async () => {
    const basic = "Basic " + Buffer.from("alice:pw-123456").toString("base64");
    const t = tokenServer({ basic, field: "access_token" });
    const s = await serve(t.handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const log: string[] = [];
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, { ...fast, username: "alice", password: "pw-123456", log: (l) => log.push(l) });
    expect(pulled.layers).toHaveLength(2);
    await pulled.close();
    expect(t.tokenRequests[0]!.searchParams.get("account")).toBe("alice");
    for (const line of log) {
      expect(line).not.toContain("pw-123456");
      expect(line).not.toContain(token);
      expect(line).not.toContain(basic.slice(6));
    }
  });

  it("fails with AUTH when the token server refuses the credentials", async () => {
    const t = tokenServer({ basic: "Basic nobody" });
    const s = await serve(t.handler, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, { ...fast, username: "alice", password: "hunter2-secret" }));
    expect(err.code).toBe("AUTH");
    expect(err.message).toContain(`authentication failed for ${s.host}/foo/bar`);
    expect(err.message).not.toContain("hunter2-secret");
  });

  it("fails with AUTH when a fresh token is still refused", async () => {
    const s = await serve((_req, res, url) => {
      if (url.pathname === "/token") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "useless" }));
        return true;
      }
      return unauthorized(res, `Bearer realm="http://${s.host}/token",service="x"`);
    });
    const err = await caught(openRegistryImage(`${s.host}/foo/bar:1`, fast));
    expect(err.code).toBe("AUTH");
    expect(err.message).toContain("access denied");
    expect(s.requests.filter((r) => r.path === "/token")).toHaveLength(1);
  });
});

describe("redirects", () => {
  it("follows blob redirects to another host without the Authorization header", async () => {
    const storage = await serve(imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const basic = "Basic " + Buffer.from("u:p-secret").toString("base64");
    const s = await serve((req, res, url) => {
      if (req.headers.authorization !== basic) return unauthorized(res, 'Basic realm="fake"');
      if (url.pathname.includes("/blobs/")) {
        // Same-host hop first, then off to "blob storage" on another port.
        if (!url.searchParams.has("hop")) {
          res.writeHead(307, { location: `${url.pathname}?hop=1` }).end();
        } else {
          res.writeHead(302, { location: `http://${storage.host}${url.pathname}?X-Signature=abc` }).end();
        }
        return true;
      }
      return false;
    }, imageRoutes({ repository: "foo/bar", tag: "1", image }));
    const log: string[] = [];
    const pulled = await openRegistryImage(`${s.host}/foo/bar:1`, { ...fast, username: "u", password: "p-secret", log: (l) => log.push(l) });
    await expectSameImage(pulled, image);
    await pulled.close();
    const hops = s.requests.filter((r) => r.url.includes("hop=1"));
    expect(hops.length).toBeGreaterThan(0);
    for (const r of hops) expect(r.headers.authorization).toBe(basic); // same origin keeps it
    const blobGets = storage.requests.filter((r) => r.path.includes("/blobs/"));
    expect(blobGets.length).toBe(3); // config + 2 layers
    for (const r of blobGets) expect(r.headers.authorization).toBeUndefined();
    expect(log.join("\n")).not.toContain("X-Signature");
  });
});
