// An HTTP client for one registry: scheme choice, retries with backoff, redirects (credentials stay
// on the registry's origin), and the 401 → challenge → retry dance.
import http, { STATUS_CODES } from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { UserError } from "../../errors.js";
import { Authorizer, authFailure } from "./auth.js";
import { resolveCredentials } from "./credentials.js";
import type { TransportError} from "./transport.js";
import {
  DEFAULT_TIMEOUTS, discard, isLoopbackHost, readBody, registryErrorText, send, type Timeouts,
} from "./transport.js";
import { describeProxy, proxyFor } from "./proxy.js";

export { isLoopbackHost } from "./transport.js";

export interface RegistryClientOptions {
  /** Allow plain HTTP and unverified TLS for this registry. */
  insecure?: boolean;
  username?: string;
  password?: string;
  dockerConfigPath?: string;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  timeouts?: Partial<Timeouts>;
  /** Debug lines: methods, URLs without query strings, statuses. Never headers or secrets. */
  log?: (line: string) => void;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface RegistryRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A path under the registry ("/v2/…") or an absolute URL (upload locations). */
  target: string;
  repository: string;
  /** Token scope actions; "pull" unless pushing. */
  actions?: "pull" | "pull,push";
  headers?: Record<string, string>;
  body?: Buffer;
  /** A token scope that replaces `repository:<repository>:<actions>` (e.g. "registry:catalog:*"). */
  scope?: string;
}

const USER_AGENT = "bulwark";
const MAX_REDIRECTS = 5;
const MAX_RETRY_AFTER_MS = 60_000;
const ERROR_BODY_CAP = 64 * 1024;
const TOKEN_BODY_CAP = 1 << 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE = new Set([
  "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH",
  "ENETDOWN", "ECONNABORTED",
]);
const TLS_TRUST_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|ERR_TLS_CERT_ALTNAME_INVALID$)/;

/** origin + path: query strings may hold signed-URL secrets or upload state. */
export function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export class RegistryClient {
  readonly registry: string;
  readonly timeouts: Timeouts;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly log: (line: string) => void;
  private readonly relaxed: boolean;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
    httpsUnverified: new https.Agent({ keepAlive: true, rejectUnauthorized: false }),
  };
  private readonly proxyAgents = new Map<string, Promise<http.Agent>>();
  private readonly auth: Authorizer;
  private base: Promise<URL> | undefined;

  constructor(registry: string, private readonly opts: RegistryClientOptions = {}) {
    this.registry = registry;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.attempts = Math.max(1, opts.retry?.attempts ?? 4);
    this.baseDelayMs = opts.retry?.baseDelayMs ?? 500;
    this.maxDelayMs = opts.retry?.maxDelayMs ?? 10_000;
    this.log = opts.log ?? (() => undefined);
    // Docker treats loopback registries as insecure: plain HTTP is allowed there.
    this.relaxed = opts.insecure === true || isLoopbackHost(new URL(`http://${registry}`).hostname);
    this.auth = new Authorizer({
      registry,
      loadCredentials: () => resolveCredentials(registry, { ...opts, warn: (m) => this.log(m) }),
      transport: (req) => this.tokenExchange(req),
      plainHttpAllowed: (host) => this.relaxed || isLoopbackHost(host),
    });
  }

  /** The registry's base URL: HTTPS, unless it is insecure/loopback and HTTPS does not answer. */
  baseUrl(): Promise<URL> {
    this.base ??= this.chooseScheme();
    return this.base;
  }

  private async chooseScheme(): Promise<URL> {
    const secure = new URL(`https://${this.registry}/`);
    if (!this.relaxed) return secure;
    // Outside the try: a bad proxy setting is the user's error, not "HTTPS unavailable".
    const { agent, unverified } = await this.route(secure, secure);
    try {
      const res = await send({
        method: "GET",
        url: new URL("/v2/", secure),
        headers: { "user-agent": USER_AGENT },
        agent,
        unverified,
        timeouts: { ...this.timeouts, connectMs: Math.min(this.timeouts.connectMs, 5000), headersMs: Math.min(this.timeouts.headersMs, 10_000) },
      });
      discard(res);
      return secure;
    } catch (e) {
      this.log(`${this.registry}: HTTPS unavailable (${(e as TransportError).code}); using plain HTTP`);
      return new URL(`http://${this.registry}/`);
    }
  }

  /** TLS verification is off for an --insecure registry, and for a loopback one's own host. */
  private unverified(url: URL, base: URL): boolean {
    return url.protocol === "https:" && (this.opts.insecure === true || (this.relaxed && url.host === base.host));
  }

  /** How a request to `url` goes: its agent, the proxy it goes through (if any), TLS verified or not. */
  private async route(url: URL, base: URL): Promise<{ agent: http.Agent; proxy: URL | undefined; unverified: boolean }> {
    const unverified = this.unverified(url, base);
    const proxy = this.proxyFor(url);
    const agent = proxy ? await this.proxyAgent(proxy, url.protocol, unverified) : url.protocol === "http:" ? this.agents.http : unverified ? this.agents.httpsUnverified : this.agents.https;
    return { agent, proxy, unverified };
  }

  private proxyFor(url: URL): URL | undefined {
    try {
      return proxyFor(url, this.opts.env ?? process.env);
    } catch (e) {
      throw new UserError("USAGE", (e as Error).message);
    }
  }

  /** One agent per proxy and kind, kept alive like the direct ones. Loaded only when a proxy is set. */
  private proxyAgent(proxy: URL, protocol: string, unverified: boolean): Promise<http.Agent> {
    const key = `${protocol} ${unverified} ${proxy.href}`;
    let agent = this.proxyAgents.get(key);
    if (!agent) {
      this.log(`${this.registry}: ${protocol.slice(0, -1)} through proxy ${describeProxy(proxy)}`);
      // https targets: a CONNECT tunnel, TLS to the registry inside it (verified unless insecure;
      // send() also passes that per request, which is what the tunnelled connection reads).
      // The promise is stored, so concurrent requests share one agent.
      agent =
        protocol === "https:"
          ? import("https-proxy-agent").then((m) => new m.HttpsProxyAgent(proxy, { keepAlive: true, rejectUnauthorized: !unverified }))
          : import("http-proxy-agent").then((m) => new m.HttpProxyAgent(proxy, { keepAlive: true }));
      this.proxyAgents.set(key, agent);
    }
    return agent;
  }

  private backoff(attempt: number): number {
    const exp = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.min(this.maxDelayMs, exp * (0.5 + Math.random())); // jitter: 0.5x–1.5x
  }

  /** One request with retries on connection failures, 429 and 5xx. */
  private async exchange(method: string, url: URL, headers: Record<string, string>, body: Buffer | undefined, base: URL): Promise<http.IncomingMessage> {
    const what = `${method} ${redactUrl(url)}`;
    // Outside the retry loop: a bad proxy setting is a usage error, not a network failure.
    const { agent, proxy, unverified } = await this.route(url, base);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let res: http.IncomingMessage;
      try {
        res = await send({ method, url, headers, ...(body ? { body } : {}), agent, timeouts: this.timeouts, unverified });
      } catch (e) {
        const err = e as TransportError;
        this.log(`${what} failed: ${err.code} (attempt ${attempt}/${this.attempts})`);
        if (!RETRYABLE.has(err.code) || attempt >= this.attempts) throw networkFailure(url.host, err, attempt, proxy);
        await sleep(this.backoff(attempt));
        continue;
      }
      const status = res.statusCode ?? 0;
      this.log(`${what} -> ${status} (${Date.now() - started} ms)`);
      if (status === 407) {
        discard(res);
        const name = url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
        throw new UserError("NETWORK", `the proxy${proxy ? ` ${describeProxy(proxy)}` : ""} wants credentials (407 Proxy Authentication Required): give them as http://USER:PASSWORD@HOST:PORT in ${name}`);
      }
      if (status !== 429 && status < 500) return res;
      if (attempt < this.attempts) {
        const delay = retryAfterMs(res.headers["retry-after"]) ?? this.backoff(attempt);
        discard(res);
        await sleep(Math.min(delay, MAX_RETRY_AFTER_MS));
        continue;
      }
      const text = registryErrorText(await readBody(res, ERROR_BODY_CAP, what, this.timeouts.idleMs).catch(() => Buffer.alloc(0)));
      const why = status === 429 ? "is rate-limiting us (429 Too Many Requests)" : `answered ${status} ${STATUS_CODES[status] ?? ""}`.trimEnd();
      throw new UserError("NETWORK", `${url.host} ${why} to ${method} ${url.pathname} after ${attempt} attempts${text ? `: ${text}` : ""}`);
    }
  }

  /** Sends, following redirects; Authorization goes only to the registry's own origin. */
  private async follow(req: RegistryRequest, start: URL, authorization: string | undefined, base: URL): Promise<{ res: http.IncomingMessage; url: URL }> {
    let url = start;
    let method: string = req.method;
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { "user-agent": USER_AGENT, ...req.headers };
      if (authorization && url.origin === base.origin) headers["authorization"] = authorization;
      const res = await this.exchange(method, url, headers, body, base);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return { res, url };
      discard(res);
      if (hop >= MAX_REDIRECTS) throw new UserError("NETWORK", `too many redirects for ${req.method} ${redactUrl(start)}`);
      url = new URL(location, url);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new UserError("NETWORK", `${this.registry} redirected to an unsupported URL scheme ${url.protocol}`);
      }
      this.log(`redirected to ${redactUrl(url)}`);
      if (res.statusCode === 303 && method !== "HEAD") {
        method = "GET";
        body = undefined;
      }
    }
  }

  /**
   * A request to the registry with auth. Throws UserError AUTH on refusal and NETWORK when retries
   * run out; any other status is returned for the caller to interpret.
   */
  async request(req: RegistryRequest): Promise<http.IncomingMessage> {
    const base = await this.baseUrl();
    const actions = req.actions ?? "pull";
    const start = new URL(req.target, base);
    for (let renewed = false; ; renewed = true) {
      const auth = await this.auth.authorize(req.repository, actions, req.scope);
      const { res, url } = await this.follow(req, start, auth.header, base);
      const status = res.statusCode ?? 0;
      if (status !== 401 && status !== 403) return res;
      const text = await this.errorText(res);
      if (url.origin !== base.origin) {
        throw new UserError("NETWORK", `${url.host} (redirected from ${this.registry}) refused ${req.method} ${url.pathname} with ${status}`);
      }
      if (status === 401 && !renewed && (await this.auth.learn(res.headers["www-authenticate"], req.repository, actions, req.scope))) continue;
      const reason = `${this.registry} answered ${status} ${STATUS_CODES[status] ?? ""}${text ? ` (${text})` : ""}`;
      throw authFailure(this.registry, req.repository, auth.credentialed, reason);
    }
  }

  private async tokenExchange(req: { method: string; url: URL; headers: Record<string, string>; body?: Buffer }): Promise<{ status: number; body: Buffer }> {
    const base = await this.baseUrl();
    const headers = { "user-agent": USER_AGENT, accept: "application/json", ...req.headers };
    const res = await this.exchange(req.method, req.url, headers, req.body, base);
    const body = await readBody(res, TOKEN_BODY_CAP, `token response from ${req.url.host}`, this.timeouts.idleMs);
    return { status: res.statusCode ?? 0, body };
  }

  /** Reads a small body with the client's idle timeout. */
  readBody(res: http.IncomingMessage, cap: number, what: string): Promise<Buffer> {
    return readBody(res, cap, what, this.timeouts.idleMs);
  }

  private async errorText(res: http.IncomingMessage): Promise<string> {
    const body = await readBody(res, ERROR_BODY_CAP, "error body", this.timeouts.idleMs).catch(() => Buffer.alloc(0));
    return registryErrorText(body);
  }

  /** A UserError for an unexpected status (404 → NOT_FOUND, other 4xx → INPUT). Consumes the body. */
  async failure(res: http.IncomingMessage, context: string): Promise<UserError> {
    const status = res.statusCode ?? 0;
    const text = await this.errorText(res);
    const message = `${context}: ${this.registry} answered ${status} ${STATUS_CODES[status] ?? ""}`.trimEnd() + (text ? ` (${text})` : "");
    return new UserError(status === 404 ? "NOT_FOUND" : status >= 400 && status < 500 ? "INPUT" : "NETWORK", message);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.agents.httpsUnverified.destroy();
    for (const a of this.proxyAgents.values()) void a.then((agent) => agent.destroy());
  }
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function networkFailure(host: string, err: TransportError, attempts: number, proxy: URL | undefined): UserError {
  if (TLS_TRUST_CODES.test(err.code)) {
    return new UserError("NETWORK", `the TLS certificate of ${host} is not trusted (${err.code}); add its CA with NODE_EXTRA_CA_CERTS, or allow an insecure registry`);
  }
  const via = proxy ? ` through proxy ${describeProxy(proxy)}` : "";
  if (err.code === "ENOTFOUND") return new UserError("NETWORK", `cannot resolve ${proxy ? `proxy host ${proxy.hostname}` : `registry host ${host}`}`);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  return new UserError("NETWORK", `cannot reach ${host}${via}: ${err.message}${tries}`, { cause: err });
}
