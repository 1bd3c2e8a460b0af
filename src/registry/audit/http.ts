// The audit's own HTTP probes: one request per call (no retries, no redirects followed, no
// keep-alive), a time limit over the whole exchange and a cap on the body read. The registry
// client in image/registry is built to pull despite obstacles; an audit wants to see each answer
// exactly as the registry gives it.
import http from "node:http";
import https from "node:https";
import type { SecureContext } from "node:tls";
import { UserError } from "../../errors.js";
import { isLoopbackHost } from "../../image/registry/transport.js";
import { parseChallenges, type Challenge } from "../../image/registry/challenge.js";
import type { Credentials } from "../../image/registry/credentials.js";

/** Bodies the audit reads are small JSON documents; anything longer is cut here. */
export const BODY_CAP = 256 * 1024;
const USER_AGENT = "bulwark-audit";

export interface ProbeResponse {
  url: URL;
  method: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** True when the body was longer than the cap (the rest was not read). */
  truncated: boolean;
}

export interface TransportOptions {
  timeoutMs: number;
  /** Trusted roots for verified requests, built once (undefined: Node's defaults, with NODE_EXTRA_CA_CERTS). */
  secureContext?: SecureContext;
}

/** A request that got no HTTP answer (refused, reset, timed out, TLS failure). */
export class ProbeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "ProbeError";
  }
}

/** "GET https://host:5000/v2/_catalog": origin and path only (query strings may hold upload state). */
export function describe(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

export function rawRequest(
  method: string,
  url: URL,
  t: TransportOptions,
  opts: { headers?: Record<string, string>; verify?: boolean; bodyCap?: number } = {},
): Promise<ProbeResponse> {
  const cap = opts.bodyCap ?? BODY_CAP;
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const headers: Record<string, string> = { "user-agent": USER_AGENT, ...opts.headers };
    if (method === "POST" || method === "PUT") headers["content-length"] ??= "0";
    const tlsOpts: https.RequestOptions = secure
      ? { rejectUnauthorized: opts.verify === true, ...(t.secureContext ? { secureContext: t.secureContext } : {}), ...(isIp(url.hostname) ? {} : { servername: url.hostname }) }
      : {};
    let settled = false;
    const finish = (e: Error | undefined, value?: ProbeResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(value!);
    };
    const req = (secure ? https : http).request(url, { method, headers, agent: false, ...tlsOpts }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = (): void => finish(undefined, { url, method, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
      res.on("data", (c: Buffer) => {
        if (truncated) return;
        if (size + c.length > cap) {
          chunks.push(c.subarray(0, cap - size));
          truncated = true;
          res.destroy();
          done();
          return;
        }
        size += c.length;
        chunks.push(c);
      });
      res.on("end", done);
      res.on("error", (e) => finish(new ProbeError("ERR_BODY", `${describe(method, url)}: ${e.message}`)));
      res.on("close", done);
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(new ProbeError("ETIMEDOUT", `${describe(method, url)}: no complete answer within ${t.timeoutMs} ms`));
    }, t.timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => finish(new ProbeError(e.code ?? "ERR", `${describe(method, url)}: ${e.code ?? ""} ${e.message}`.replace(/\s+/g, " "))));
    req.end();
  });
}

export function isIp(hostname: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.includes(":") || hostname.startsWith("[");
}

export function header(res: ProbeResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** The registry error codes of a body ("MANIFEST_UNKNOWN", …). */
export function errorCodes(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: { code?: unknown }[] };
    return Array.isArray(parsed.errors) ? parsed.errors.map((e) => (typeof e.code === "string" ? e.code : "")).filter(Boolean) : [];
  } catch {
    return [];
  }
}

export function challengesOf(res: ProbeResponse): Challenge[] {
  return parseChallenges(res.headers["www-authenticate"]);
}

/** One line of evidence for a response: method, URL, status and registry error codes. */
export function line(res: ProbeResponse, extra = ""): string {
  const codes = errorCodes(res.body);
  return `${describe(res.method, res.url)} -> ${res.status}${codes.length ? ` ${codes.join(",")}` : ""}${extra ? ` (${extra})` : ""}`;
}

export interface SessionOptions {
  transport: TransportOptions;
  credentials?: Credentials;
  /** Send credentials over unverified TLS and plain HTTP to non-loopback hosts. */
  insecure: boolean;
}

/**
 * Requests with the registry's auth dance: the first try without Authorization; on 401 a Basic
 * challenge is answered with the credentials (if any), a Bearer challenge with a token from its
 * realm (anonymous without credentials, as `docker pull` does). Credentialed requests verify TLS
 * unless `insecure`, and credentials never go over plain HTTP except to loopback or `insecure`.
 */
export class Session {
  private readonly tokens = new Map<string, string>();
  private basic: boolean = false;
  /** Lines about the auth steps taken (token realms asked, …), never secrets. */
  readonly trail: string[] = [];

  constructor(private readonly o: SessionOptions) {}

  get credentialed(): boolean {
    return this.o.credentials !== undefined;
  }

  private mayCarryCredentials(url: URL): boolean {
    if (this.o.insecure) return true;
    return url.protocol === "https:" || isLoopbackHost(url.hostname);
  }

  private verify(): boolean {
    return this.credentialed && !this.o.insecure;
  }

  private basicHeader(): string | undefined {
    const c = this.o.credentials;
    if (c?.username === undefined || c.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64")}`;
  }

  async request(method: string, url: URL, scope: string | undefined, headers: Record<string, string> = {}): Promise<ProbeResponse> {
    const first = await rawRequest(method, url, this.o.transport, { headers: { ...headers, ...this.cachedAuth(scope, url) }, verify: this.verify() });
    if (first.status !== 401) return first;
    const challenges = challengesOf(first);
    const bearer = challenges.find((c) => c.scheme === "bearer" && c.params["realm"]);
    if (bearer) {
      const wanted = bearer.params["scope"] ?? scope;
      const token = await this.token(bearer, wanted);
      if (token === undefined) return first;
      this.tokens.set(wanted ?? "", token);
      return rawRequest(method, url, this.o.transport, { headers: { ...headers, authorization: `Bearer ${token}` }, verify: this.verify() });
    }
    if (challenges.some((c) => c.scheme === "basic")) {
      const basic = this.basicHeader();
      if (!basic || !this.mayCarryCredentials(url)) return first;
      this.basic = true;
      return rawRequest(method, url, this.o.transport, { headers: { ...headers, authorization: basic }, verify: this.verify() });
    }
    return first;
  }

  private cachedAuth(scope: string | undefined, url: URL): Record<string, string> {
    if (this.basic) {
      const basic = this.basicHeader();
      if (basic && this.mayCarryCredentials(url)) return { authorization: basic };
    }
    const token = this.tokens.get(scope ?? "");
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  /** A token from the challenge's realm, or undefined when the token server refuses. */
  private async token(challenge: Challenge, scope: string | undefined): Promise<string | undefined> {
    let realm: URL;
    try {
      realm = new URL(challenge.params["realm"] ?? "");
    } catch {
      this.trail.push("the Bearer challenge names an invalid token realm");
      return undefined;
    }
    if (realm.protocol !== "http:" && realm.protocol !== "https:") return undefined;
    if (challenge.params["service"]) realm.searchParams.set("service", challenge.params["service"]);
    if (scope) realm.searchParams.set("scope", scope);
    const headers: Record<string, string> = { accept: "application/json" };
    const basic = this.basicHeader();
    let withCredentials = false;
    if (basic) {
      if (!this.mayCarryCredentials(realm)) {
        this.trail.push(`credentials not sent to the token realm ${realm.origin}${realm.pathname} over plain HTTP`);
        return undefined;
      }
      headers["authorization"] = basic;
      withCredentials = true;
    }
    let res: ProbeResponse;
    try {
      res = await rawRequest("GET", realm, this.o.transport, { headers, verify: withCredentials && !this.o.insecure, bodyCap: 1 << 20 });
    } catch (e) {
      this.trail.push(`token realm ${realm.origin}${realm.pathname} did not answer: ${(e as Error).message}`);
      return undefined;
    }
    this.trail.push(`${withCredentials ? "token" : "anonymous token"} from ${realm.origin}${realm.pathname}${scope ? ` for ${scope}` : ""}: ${res.status}`);
    if (res.status !== 200) return undefined;
    try {
      const body = JSON.parse(res.body.toString("utf8")) as { token?: unknown; access_token?: unknown };
      const value = typeof body.token === "string" && body.token ? body.token : typeof body.access_token === "string" ? body.access_token : undefined;
      return value || undefined;
    } catch {
      return undefined;
    }
  }
}

/** A user error for an unusable REGISTRY argument. */
export function badRegistry(arg: string, why: string): UserError {
  return new UserError("USAGE", `registry "${arg}": ${why} (expected HOST[:PORT], https://HOST[:PORT] or http://HOST[:PORT])`);
}
