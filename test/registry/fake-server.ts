// A tiny node:http server for registry behaviour a real registry will not produce on demand:
// corrupted blobs, 5xx/429 bursts, bearer tokens, redirects to another host.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { BuiltImage } from "../support/image-builder.js";

export interface SeenRequest {
  method: string;
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FakeServer {
  host: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Return true when the request was answered. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | void | Promise<boolean | void>;

export function startServer(...handlers: Handler[]): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push({ method: req.method ?? "", path: url.pathname, url: req.url ?? "", headers: req.headers });
    void (async () => {
      try {
        for (const h of handlers) if (await h(req, res, url)) return;
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "NOT_FOUND", message: "no route" }] }));
      } catch (e) {
        // A failed expect() in a handler: answer (400, not retried) so the client fails fast with it.
        if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "TEST_ASSERTION", message: String(e) }] }));
      }
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        host: `127.0.0.1:${port}`,
        port,
        requests,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

export interface ServedImage {
  repository: string;
  tag: string;
  image: BuiltImage;
  /** Replace a blob's bytes (by digest) with these. */
  corrupt?: Record<string, Buffer>;
}

/** Serves manifests (by tag or digest) and blobs of the given images. */
export function imageRoutes(...served: ServedImage[]): Handler {
  return (req, res, url) => {
    for (const s of served) {
      const prefix = `/v2/${s.repository}/`;
      if (!url.pathname.startsWith(prefix)) continue;
      const rest = url.pathname.slice(prefix.length);
      if (rest === `manifests/${s.tag}` || rest === `manifests/${s.image.manifest.digest}`) {
        res.writeHead(200, {
          "content-type": s.image.manifest.mediaType,
          "docker-content-digest": s.image.manifest.digest,
          "content-length": s.image.manifest.bytes.length,
        });
        res.end(req.method === "HEAD" ? undefined : s.image.manifest.bytes);
        return true;
      }
      const blobs = [s.image.config, ...s.image.layers];
      const blob = blobs.find((b) => rest === `blobs/${b.digest}`);
      if (blob) {
        const bytes = s.corrupt?.[blob.digest] ?? blob.bytes;
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
        res.end(req.method === "HEAD" ? undefined : bytes);
        return true;
      }
    }
    return false;
  };
}
