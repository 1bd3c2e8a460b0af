// What the rules probe, memoised: each request is made once however many rules read it, and every
// request is bounded (time limit, body cap). Nothing here writes to the registry: the two probes
// that could (the upload start and the manifest DELETE) live in their rules.
import { randomBytes } from "node:crypto";
import { createSecureContext } from "node:tls";
import { UserError } from "../../errors.js";
import { resolveCredentials, type Credentials } from "../../image/registry/credentials.js";
import { isLoopbackHost } from "../../image/registry/transport.js";
import { badRegistry, BODY_CAP, challengesOf, describe, header, line, ProbeError, rawRequest, Session, type ProbeResponse, type TransportOptions } from "./http.js";
import { inspectTls, probeLegacy, trustedRoots, type LEGACY_VERSIONS, type LegacyResult, type TlsInspection } from "./tls.js";
import type { AccessSummary, AuditNote } from "./types.js";

export interface AuditOptions {
  username?: string;
  password?: string;
  dockerConfigPath?: string;
  /** Send credentials even when the registry's certificate does not verify, or over plain HTTP. */
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM) for the verification checks. */
  caFile?: string;
  /** Time limit of each probe, in seconds (default 10). */
  timeoutSeconds?: number;
  /** A repository (NAME or NAME:TAG) for the pull and delete probes, when the catalog is closed. */
  repo?: string;
  /** Debug lines (requests and statuses, never secrets). */
  log?: (line: string) => void;
}

export interface RegistryTarget {
  /** As given on the command line. */
  arg: string;
  hostname: string;
  /** host[:port] as docker names the registry (credential lookup). */
  name: string;
  httpsUrl: URL;
  httpUrl: URL;
  preferred: "https" | "http" | undefined;
}

/** A repository name as the distribution spec allows it. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** The repository the audit starts uploads in (and cancels them): named so operators know it. */
export const PROBE_REPOSITORY = "bulwark-audit-probe";

export function parseRegistry(arg: string): RegistryTarget {
  const trimmed = arg.trim();
  if (!trimmed) throw badRegistry(arg, "empty");
  const m = /^(https?):\/\/(.*)$/i.exec(trimmed);
  const preferred = m ? (m[1]!.toLowerCase() as "https" | "http") : undefined;
  let rest = (m ? m[2]! : trimmed).replace(/\/+$/, "");
  if (rest.endsWith("/v2")) rest = rest.slice(0, -3);
  if (!rest || /[/?#@\s]/.test(rest)) throw badRegistry(arg, "give the registry host, without a path or credentials");
  let url: URL;
  try {
    url = new URL(`http://${rest}/`);
  } catch {
    throw badRegistry(arg, "not a valid host");
  }
  const port = url.port;
  const hostname = url.hostname;
  // URL keeps the brackets of an IPv6 hostname.
  const host = (p: string): string => `${hostname}:${p}`;
  return {
    arg,
    hostname,
    name: url.host,
    httpsUrl: new URL(`https://${host(port || "443")}/`),
    httpUrl: new URL(`http://${host(port || "80")}/`),
    preferred,
  };
}

/** A registry answer to GET /v2/: 200 or 401 with the API header, a challenge or registry errors. */
export function isRegistryAnswer(res: ProbeResponse): boolean {
  if (res.status !== 200 && res.status !== 401) return false;
  return header(res, "docker-distribution-api-version") !== undefined || challengesOf(res).length > 0 || res.body.toString("utf8").trim() === "{}";
}

export class AuditContext {
  readonly target: RegistryTarget;
  readonly transport: TransportOptions;
  readonly notes: AuditNote[] = [];
  readonly access: { anonymous: AccessSummary; authenticated?: AccessSummary } = { anonymous: {} };
  readonly log: (line: string) => void;
  readonly insecure: boolean;
  private readonly memo = new Map<string, Promise<unknown>>();
  private anon: Session | undefined;
  private readonly repo: { repository: string; tag?: string } | undefined;
  private readonly roots: ReturnType<typeof trustedRoots>;
  /** Every response seen, for rules that read headers. */
  readonly responses: ProbeResponse[] = [];

  constructor(registry: string, readonly opts: AuditOptions = {}) {
    this.target = parseRegistry(registry);
    if (opts.repo !== undefined) {
      const m = /^([^:@]+)(?::([\w][\w.-]{0,127}))?$/.exec(opts.repo);
      if (!m || !REPOSITORY.test(m[1]!)) throw new UserError("USAGE", `--repo "${opts.repo}": expected a repository NAME or NAME:TAG (lowercase path components, e.g. team/app:1.0)`);
      this.repo = { repository: m[1]!, ...(m[2] ? { tag: m[2] } : {}) };
    }
    const seconds = opts.timeoutSeconds ?? 10;
    this.roots = trustedRoots(opts.caFile);
    // One secure context: building one parses every root, about 0.1 s each time.
    this.transport = { timeoutMs: Math.round(seconds * 1000), ...(this.roots.explicit ? { secureContext: createSecureContext({ ca: this.roots.pems }) } : {}) };
    this.log = opts.log ?? (() => undefined);
    this.insecure = opts.insecure === true;
  }

  note(message: string, ruleId?: string): void {
    this.notes.push({ ...(ruleId ? { ruleId } : {}), message });
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
    }
    return p;
  }

  /** A raw request (no auth), kept for the header rules; a network failure is returned, not thrown. */
  async raw(method: string, url: URL): Promise<ProbeResponse | ProbeError> {
    try {
      const res = await rawRequest(method, url, this.transport);
      this.log(`${method} ${url.origin}${url.pathname} -> ${res.status}`);
      this.responses.push(res);
      return res;
    } catch (e) {
      this.log(`${method} ${url.origin}${url.pathname} failed: ${(e as Error).message}`);
      if (e instanceof ProbeError) return e;
      throw e;
    }
  }

  /** GET http://HOST/v2/ without credentials. */
  httpV2(): Promise<ProbeResponse | ProbeError> {
    return this.once("httpV2", () => this.raw("GET", new URL("/v2/", this.target.httpUrl)));
  }

  /** GET https://HOST/v2/ without credentials or certificate verification. */
  httpsV2(): Promise<ProbeResponse | ProbeError> {
    return this.once("httpsV2", () => this.raw("GET", new URL("/v2/", this.target.httpsUrl)));
  }

  /** The TLS facts of the HTTPS endpoint; an error when no TLS handshake is possible there. */
  tls(): Promise<TlsInspection | ProbeError> {
    return this.once("tls", async () => {
      const u = this.target.httpsUrl;
      try {
        return await inspectTls(u.hostname.replace(/^\[|\]$/g, ""), Number(u.port || 443), this.roots, this.transport.secureContext, this.transport.timeoutMs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? "ERR";
        return new ProbeError(code, `no TLS handshake with ${u.host}: ${code}`);
      }
    });
  }

  legacy(version: (typeof LEGACY_VERSIONS)[number]): Promise<LegacyResult> {
    return this.once(`legacy ${version}`, () => {
      const u = this.target.httpsUrl;
      return probeLegacy(u.hostname.replace(/^\[|\]$/g, ""), Number(u.port || 443), version, this.transport.timeoutMs);
    });
  }

  /** Is HTTPS served as a registry (TLS handshake, then a registry answer to /v2/)? */
  async httpsServed(): Promise<boolean> {
    const r = await this.httpsV2();
    return !(r instanceof ProbeError) && isRegistryAnswer(r);
  }

  async httpServed(): Promise<boolean> {
    const r = await this.httpV2();
    return !(r instanceof ProbeError) && isRegistryAnswer(r);
  }

  /** The base URL for the API probes: HTTPS when it answers (unless http:// was asked for), else HTTP. */
  base(): Promise<URL | undefined> {
    return this.once("base", async () => {
      const [https, http] = await Promise.all([this.httpsServed(), this.httpServed()]);
      if (this.target.preferred === "http" && http) return this.target.httpUrl;
      if (https) return this.target.httpsUrl;
      if (http) return this.target.httpUrl;
      return undefined;
    });
  }

  /** Is the HTTPS certificate fully verified (trusted, in date, naming the host)? */
  async tlsVerified(): Promise<boolean> {
    const t = await this.tls();
    return !(t instanceof ProbeError) && t.trusted && t.outOfDate.length === 0 && t.nameError === undefined && t.verifyError === undefined;
  }

  /** A session without credentials (anonymous tokens where the registry uses Bearer auth). */
  anonymous(): Session {
    this.anon ??= new Session({ transport: this.transport, insecure: this.insecure });
    return this.anon;
  }

  private credentials(): Promise<Credentials | undefined> {
    return this.once("credentials", () =>
      resolveCredentials(this.target.name, {
        ...(this.opts.username !== undefined ? { username: this.opts.username } : {}),
        ...(this.opts.password !== undefined ? { password: this.opts.password } : {}),
        ...(this.opts.dockerConfigPath ? { dockerConfigPath: this.opts.dockerConfigPath } : {}),
        warn: (m) => this.log(m),
      }),
    );
  }

  /**
   * A session with the user's credentials, when there are any and they may be sent: over HTTPS
   * only with a verified certificate, over plain HTTP only to loopback (either with --insecure).
   */
  authenticated(): Promise<Session | undefined> {
    return this.once("auth session", async () => {
      const creds = await this.credentials();
      if (!creds) return undefined;
      const base = await this.base();
      if (!base) return undefined;
      if (!this.insecure) {
        if (base.protocol === "https:" && !(await this.tlsVerified())) {
          this.note("credentials were not used: the registry's certificate does not verify (give --ca-file, or --insecure to send them anyway)");
          return undefined;
        }
        if (base.protocol === "http:" && !isLoopbackHost(base.hostname)) {
          this.note("credentials were not used: the registry speaks plain HTTP (--insecure sends them anyway)");
          return undefined;
        }
      }
      this.access.authenticated = {};
      return new Session({ transport: this.transport, credentials: creds, insecure: this.insecure });
    });
  }

  /** A request through a session; network failures become notes and undefined. */
  async via(session: Session, method: string, path: string, scope: string | undefined, ruleId?: string): Promise<ProbeResponse | undefined> {
    const base = await this.base();
    if (!base) return undefined;
    const url = new URL(path, base);
    try {
      const res = await session.request(method, url, scope);
      this.log(`${method} ${url.origin}${url.pathname}${session.credentialed ? " (credentials)" : ""} -> ${res.status}`);
      this.responses.push(res);
      return res;
    } catch (e) {
      this.note(`${method} ${url.pathname} failed: ${(e as Error).message}`, ruleId);
      return undefined;
    }
  }

  /**
   * Starts an upload in PROBE_REPOSITORY and cancels it at once (DELETE of its location). No byte
   * is sent and nothing is committed. Undefined when the request got no answer.
   */
  async probeUpload(session: Session, ruleId: string): Promise<{ res: ProbeResponse; evidence: string[]; cancelled: boolean } | undefined> {
    const base = await this.base();
    if (!base) return undefined;
    const scope = `repository:${PROBE_REPOSITORY}:pull,push`;
    const res = await this.via(session, "POST", `/v2/${PROBE_REPOSITORY}/blobs/uploads/`, scope, ruleId);
    if (!res) return undefined;
    const who = session.credentialed ? "with credentials" : "no credentials";
    const evidence = [line(res, who)];
    if (res.status < 200 || res.status > 299) return { res, evidence, cancelled: false };
    let cancelled = false;
    const location = header(res, "location");
    let url: URL | undefined;
    try {
      url = location ? new URL(location, base) : undefined;
    } catch {
      url = undefined;
    }
    if (!url) {
      evidence.push("the registry gave no usable upload location; the upload was not cancelled");
    } else if (url.origin !== base.origin) {
      evidence.push(`the upload location is on another origin (${url.origin}); it was not cancelled`);
    } else if (!url.pathname.startsWith(`/v2/${PROBE_REPOSITORY}/blobs/uploads/`)) {
      // A DELETE goes only where an upload of ours can be: never to a path that could be real data.
      evidence.push(`the upload location ${url.pathname} is outside /v2/${PROBE_REPOSITORY}/blobs/uploads/; it was not cancelled`);
    } else {
      try {
        const del = await session.request("DELETE", url, scope);
        this.log(`${describe("DELETE", url)} (cancel the probe upload) -> ${del.status}`);
        cancelled = del.status >= 200 && del.status < 300;
        evidence.push(`${describe("DELETE", url)} -> ${del.status} (${cancelled ? "upload cancelled" : "cancel refused"})`);
      } catch (e) {
        evidence.push(`cancelling the upload failed: ${(e as Error).message}`);
      }
    }
    if (!cancelled) this.note(`the probe upload in ${PROBE_REPOSITORY} (${header(res, "docker-upload-uuid") ?? "unknown id"}, ${who}) could not be cancelled; the registry's upload purging removes it`, ruleId);
    return { res, evidence, cancelled };
  }

  /** The first page of the catalog, anonymously or with credentials. */
  catalog(who: "anonymous" | "authenticated"): Promise<{ res: ProbeResponse; repositories: string[] } | undefined> {
    return this.once(`catalog ${who}`, async () => {
      const session = who === "anonymous" ? this.anonymous() : await this.authenticated();
      if (!session) return undefined;
      const res = await this.via(session, "GET", "/v2/_catalog?n=100", "registry:catalog:*");
      if (!res) return undefined;
      if (res.status === 200 && res.truncated) this.note(`the ${who} catalog answer is larger than ${BODY_CAP} bytes; it was not read further`);
      // Names go into request paths: only well-formed ones (a hostile catalog may say anything).
      return { res, repositories: res.status === 200 ? names(res.body, "repositories").filter((n) => REPOSITORY.test(n)) : [] };
    });
  }

  /** A repository and tag to try pulls on: --repo, else the catalog (anonymous, then with credentials). */
  pullTarget(): Promise<{ repository: string; tag?: string; source: string } | undefined> {
    return this.once("pull target", async () => {
      let repository: string | undefined;
      let tag: string | undefined;
      let source = "";
      if (this.repo) {
        repository = this.repo.repository;
        tag = this.repo.tag;
        source = "--repo";
      } else {
        for (const who of ["anonymous", "authenticated"] as const) {
          const c = await this.catalog(who);
          if (c?.repositories.length) {
            repository = c.repositories[0]!;
            source = `the ${who} catalog`;
            break;
          }
        }
      }
      if (!repository) return undefined;
      if (!tag) {
        for (const session of [this.anonymous(), await this.authenticated()]) {
          if (!session) continue;
          const res = await this.via(session, "GET", `/v2/${repository}/tags/list?n=10`, `repository:${repository}:pull`);
          const tags = res?.status === 200 ? names(res.body, "tags").filter((t) => TAG.test(t)) : [];
          if (tags.length) {
            tag = tags[0];
            break;
          }
        }
      }
      return { repository, ...(tag ? { tag } : {}), source };
    });
  }
}

/** A string array from a JSON body's field, at most 1000 entries. */
function names(body: Buffer, field: string): string[] {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    const list = parsed[field];
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string").slice(0, 1000) : [];
  } catch {
    return [];
  }
}

/** A digest no manifest has: random, so a DELETE of it can only be answered "unknown" or "unsupported". */
export function unknownDigest(): string {
  return `sha256:${randomBytes(32).toString("hex")}`;
}
