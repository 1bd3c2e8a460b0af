// One HTTP exchange over node:http/https, with connect and response-header timeouts, plus helpers
// to read small bodies with a size cap. Retries, redirects and auth live in client.ts.
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { UserError } from "../../errors.js";

export interface Timeouts {
  /** TCP connect plus TLS handshake. */
  connectMs: number;
  /** From sending the request to the response headers. */
  headersMs: number;
  /** Longest wait for the next body chunk while we want data. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 30_000, headersMs: 60_000, idleMs: 120_000 };

export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  agent: http.Agent;
  timeouts: Timeouts;
  /**
   * Skip TLS verification (insecure registries). Given per request as well as by the agent:
   * a proxy agent builds the registry's TLS connection from the request's options.
   */
  unverified?: boolean;
}

/** A network-level failure (no HTTP answer). `code` is Node's errno-style code. */
export class TransportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "TransportError";
  }
}

export function send(x: Exchange): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = x.url.protocol === "https:" ? https : http;
    const headers = { ...x.headers };
    if (x.body) headers["content-length"] = String(x.body.length);
    let connectTimer: NodeJS.Timeout | undefined;
    let headersTimer: NodeJS.Timeout | undefined;
    const clear = (): void => {
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
    };
    const req = mod.request(x.url, { method: x.method, headers, agent: x.agent, ...(x.unverified ? { rejectUnauthorized: false } : {}) }, (res) => {
      clear();
      resolve(res);
    });
    // Counted from the end of the upload, so a big PUT is not cut short by the headers timeout.
    req.on("finish", () => {
      headersTimer = setTimeout(() => {
        req.destroy(new TransportError("ETIMEDOUT", `no response within ${x.timeouts.headersMs} ms`));
      }, x.timeouts.headersMs);
    });
    req.on("socket", (socket: Socket) => {
      if (!socket.connecting) return; // a kept-alive socket
      connectTimer = setTimeout(() => {
        req.destroy(new TransportError("ETIMEDOUT", `connection not established within ${x.timeouts.connectMs} ms`));
      }, x.timeouts.connectMs);
      socket.once(x.url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      clear();
      reject(e instanceof TransportError ? e : new TransportError(e.code ?? "ERR", e.message));
    });
    req.end(x.body);
  });
}

/** Discards a body so the connection can be reused. */
export function discard(res: http.IncomingMessage): void {
  res.on("error", () => undefined);
  res.resume();
}

/**
 * Reads a whole body of at most `cap` bytes; bigger bodies are refused with INPUT (manifests and
 * configs are small; anything big is hostile or a mistake).
 */
export function readBody(res: http.IncomingMessage, cap: number, what: string, idleMs: number): Promise<Buffer> {
  const tooBig = (): UserError => new UserError("INPUT", `${what} is larger than ${cap} bytes; refusing to read it`);
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > cap) {
    res.destroy();
    return Promise.reject(tooBig());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.destroy();
      reject(e);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new UserError("NETWORK", `${what}: no data for ${idleMs} ms`)), idleMs);
    };
    arm();
    res.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > cap) return fail(tooBig());
      chunks.push(chunk);
      arm();
    });
    res.on("end", () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    res.on("error", (e) => fail(new UserError("NETWORK", `${what}: connection failed while reading: ${e.message}`)));
    res.on("close", () => fail(new UserError("NETWORK", `${what}: connection closed before the body was complete`)));
  });
}

/** The "errors" of a registry error body, as one short line ("MANIFEST_UNKNOWN: manifest unknown"). */
export function registryErrorText(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .map((e) => [e.code, e.message].filter((s) => typeof s === "string" && s !== "").join(": "))
        .filter((s) => s !== "")
        .join("; ")
        .slice(0, 300);
    }
  } catch {
    // Not a registry error document.
  }
  return "";
}

/** localhost, 127.0.0.0/8 or ::1: registries Docker treats as insecure, and never proxied. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}
