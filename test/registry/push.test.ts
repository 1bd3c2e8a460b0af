// Push details a real registry does not exercise: relative upload locations with state in the
// query, and push-scoped bearer tokens.
import { afterEach, describe, expect, it } from "vitest";
import { openRegistryImage, pushImage } from "../../src/image/registry/index.js";
import { buildImage } from "../support/image-builder.js";
import { imageRoutes, startServer, type FakeServer } from "./fake-server.js";
import { caught, sha } from "./helpers.js";

const fast = { retry: { baseDelayMs: 5 } };
const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("pushImage against a fake registry", () => {
  it("handles a relative Location with upload state, and a push-scoped token", async () => {
    const image = await buildImage({ layers: [{ entries: [{ path: "f", content: "x" }] }] });
    const stored = new Map<string, Buffer>();
    const scopes: string[] = [];
    const state = "a%2Bb%3D%3D";
    const s = await startServer(async (req, res, url) => {
      if (url.pathname === "/token") {
        scopes.push(...url.searchParams.getAll("scope"));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "push-token" }));
        return true;
      }
      if (req.headers.authorization !== "Bearer push-token") {
        res.writeHead(401, { "www-authenticate": `Bearer realm="http://${s.host}/token",service="fake"` }).end();
        return true;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const blob = /^\/v2\/team\/app\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
      if (blob && req.method === "HEAD") {
        res.writeHead(stored.has(blob[1]!) ? 200 : 404).end();
      } else if (url.pathname === "/v2/team/app/blobs/uploads/" && req.method === "POST") {
        res.writeHead(202, { location: `/upload/42?_state=${state}` }).end();
      } else if (url.pathname === "/upload/42" && req.method === "PUT") {
        // The state must come back byte for byte, and the digest must match the body.
        expect(req.url).toMatch(new RegExp(`^/upload/42\\?_state=${state}&digest=sha256%3A[0-9a-f]{64}$`));
        const digest = url.searchParams.get("digest")!;
        expect(sha(body)).toBe(digest);
        expect(req.headers["content-length"]).toBe(String(body.length));
        stored.set(digest, body);
        res.writeHead(201, { location: `/v2/team/app/blobs/${digest}` }).end();
      } else if (url.pathname === "/v2/team/app/manifests/v1" && req.method === "PUT") {
        expect(req.headers["content-type"]).toBe(image.manifest.mediaType);
        expect(body.equals(image.manifest.bytes)).toBe(true);
        res.writeHead(201, { "docker-content-digest": sha(body) }).end();
      } else {
        res.writeHead(404).end();
      }
      return true;
    });
    servers.push(s);
    const result = await pushImage(`${s.host}/team/app:v1`, image, fast);
    expect(result.digest).toBe(image.manifest.digest);
    expect([...stored.keys()].sort()).toEqual([image.config.digest, ...image.layers.map((l) => l.digest)].sort());
    expect(new Set(scopes)).toEqual(new Set(["repository:team/app:pull,push"]));
  });

  it("refuses to push a blob whose bytes do not match its digest", async () => {
    const image = await buildImage({ layers: [{ entries: [{ path: "f", content: "x" }] }] });
    const s = await startServer();
    servers.push(s);
    const bad = { ...image, layers: [{ digest: image.layers[0]!.digest, bytes: Buffer.from("other") }] };
    const err = await caught(pushImage(`${s.host}/team/app:v1`, bad, fast));
    expect(err.code).toBe("DIGEST_MISMATCH");
    expect(s.requests).toHaveLength(0);
  });
});

describe("pull by digest", () => {
  it("refuses a manifest that does not hash to the requested digest", async () => {
    const image = await buildImage({ layers: [{ entries: [{ path: "f", content: "x" }] }] });
    const other = await buildImage({ layers: [{ entries: [{ path: "g", content: "y" }] }] });
    const s = await startServer((_req, res, url) => {
      if (url.pathname !== `/v2/foo/bar/manifests/${image.manifest.digest}`) return false;
      res.writeHead(200, { "content-type": other.manifest.mediaType, "docker-content-digest": image.manifest.digest });
      res.end(other.manifest.bytes);
      return true;
    }, imageRoutes({ repository: "foo/bar", tag: "1", image: other }));
    servers.push(s);
    const err = await caught(openRegistryImage(`${s.host}/foo/bar@${image.manifest.digest}`, fast));
    expect(err.code).toBe("DIGEST_MISMATCH");
  });
});
