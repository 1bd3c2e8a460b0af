// HTTPS front of the admission controller: POST /validate and /mutate take an AdmissionReview,
// GET /healthz answers "ok". Bodies are capped, slow or hostile clients are cut off, and nothing a
// client sends can make the process throw: a body that is not an AdmissionReview gets a 4xx.
import { readFileSync, statSync } from "node:fs";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../errors.js";
import { BadReview, type AdmissionController, type AdmissionReviewOut } from "./engine.js";

export interface ServeOptions {
  /** "127.0.0.1:8443", ":8443", "[::1]:8443". */
  listen: string;
  tlsCert: string;
  tlsKey: string;
  /** Largest body accepted (default 6 MiB: the API server's 3 MiB objects, twice for updates). */
  maxBodyBytes?: number;
  /** How often the certificate files are looked at for rotation (default 30 s; 0: never). */
  certReloadMs?: number;
  log?: (line: string) => void;
}

export interface AdmissionServer {
  /** "127.0.0.1:PORT" as bound. */
  address: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY = 6 << 20;

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) throw new UserError("USAGE", `--listen must be HOST:PORT or :PORT, got "${listen}"`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

function readTls(cert: string, key: string): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new UserError("NOT_FOUND", `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return { cert: read(cert, "--tls-cert"), key: read(key, "--tls-key") };
}

export async function serveAdmission(controller: AdmissionController, opts: ServeOptions): Promise<AdmissionServer> {
  const { host, port } = parseListen(opts.listen);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let tls = readTls(opts.tlsCert, opts.tlsKey);
  let server: https.Server;
  try {
    server = https.createServer({ ...tls, minVersion: "TLSv1.2" }, (req, res) => void handle(req, res));
  } catch (e) {
    throw new UserError("INPUT", `TLS certificate or key not usable: ${(e as Error).message}`);
  }
  // Slow clients cannot hold connections: headers within 10 s, the whole request within the answer deadline plus a margin.
  server.headersTimeout = 10_000;
  server.requestTimeout = controller.timeoutMs + 10_000;
  server.keepAliveTimeout = 30_000;
  server.maxHeadersCount = 100;
  server.on("clientError", (_e, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && (path === "/healthz" || path === "/readyz" || path === "/livez")) return send(res, 200, "ok\n", "text/plain");
      if (path !== "/validate" && path !== "/mutate") return send(res, 404, "not found\n", "text/plain");
      if (req.method !== "POST") return send(res, 405, "use POST\n", "text/plain", { allow: "POST" });
      const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/json") {
        req.resume();
        return send(res, 415, "content-type must be application/json\n", "text/plain");
      }
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBody) {
        req.resume();
        return send(res, 413, `body larger than ${maxBody} bytes\n`, "text/plain", { connection: "close" });
      }
      const body = await readBody(req, maxBody);
      if (body === "too-large") return send(res, 413, `body larger than ${maxBody} bytes\n`, "text/plain", { connection: "close" });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        return send(res, 400, "body is not valid JSON\n", "text/plain");
      }
      if (tooDeep(parsed, MAX_DEPTH)) return send(res, 400, `JSON nested deeper than ${MAX_DEPTH} levels\n`, "text/plain");
      let out: AdmissionReviewOut;
      try {
        out = path === "/validate" ? await controller.validate(parsed) : await controller.mutate(parsed);
      } catch (e) {
        if (e instanceof BadReview) return send(res, 400, `not an AdmissionReview request: ${e.message}\n`, "text/plain");
        throw e;
      }
      send(res, 200, JSON.stringify(out), "application/json");
    } catch (e) {
      opts.log?.(`error: ${(e as Error)?.message ?? String(e)}`);
      if (!res.headersSent) send(res, 500, "internal error\n", "text/plain");
      else res.destroy();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(new UserError("USAGE", `cannot listen on ${opts.listen}: ${e.code ?? e.message}`)));
    server.listen(port, host, () => resolve());
  });
  server.on("error", (e) => opts.log?.(`server error: ${e.message}`));

  // Certificate rotation: when the files change (a renewed Secret), new connections get the new pair.
  const reloadMs = opts.certReloadMs ?? 30_000;
  const stamp = () => {
    try {
      return `${statSync(opts.tlsCert).mtimeMs}:${statSync(opts.tlsKey).mtimeMs}`;
    } catch {
      return "";
    }
  };
  let seen = stamp();
  const timer = reloadMs > 0 ? setInterval(() => {
    const now = stamp();
    if (now === "" || now === seen) return;
    try {
      const next = readTls(opts.tlsCert, opts.tlsKey);
      if (next.cert.equals(tls.cert) && next.key.equals(tls.key)) return;
      server.setSecureContext({ ...next, minVersion: "TLSv1.2" });
      tls = next;
      seen = now;
      opts.log?.("TLS certificate reloaded");
    } catch (e) {
      // A half-written pair (certificate renewed, key not yet): try again next time.
      opts.log?.(`TLS certificate not reloaded: ${(e as Error).message}`);
    }
  }, reloadMs) : undefined;
  timer?.unref();

  const addr = server.address() as AddressInfo;
  return {
    address: `${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Kubernetes objects nest a few dozen levels; far deeper bodies are hostile (and would exhaust the stack of recursive walks). */
const MAX_DEPTH = 128;

function tooDeep(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [cur, d] = stack.pop()!;
    if (typeof cur !== "object" || cur === null) continue;
    if (d >= max) return true;
    for (const x of Array.isArray(cur) ? cur : Object.values(cur)) if (typeof x === "object" && x !== null) stack.push([x, d + 1]);
  }
  return false;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        chunks.length = 0;
        resolve("too-large");
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!done) reject(e);
    });
  });
}

function send(res: ServerResponse, code: number, body: string, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { "content-type": type, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
