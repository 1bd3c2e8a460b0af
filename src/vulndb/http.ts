// HTTP GETs for `db update`: timeouts, retries with backoff on 429/5xx/resets, size limits,
// and errors that name the URL. TLS is Node's default: certificates are always verified.
import { open } from "node:fs/promises";
import { UserError } from "../errors.js";

export interface HttpOptions {
  fetchImpl?: typeof fetch;
  /** Attempts after the first one. */
  retries?: number;
  /** First backoff delay; doubles each retry (tests make it tiny). */
  retryDelayMs?: number;
  /** Whole-request timeout for small files. */
  timeoutMs?: number;
  /** Downloads may take long, but fail if no bytes arrive for this long. */
  idleTimeoutMs?: number;
}

const DEFAULTS = { retries: 3, retryDelayMs: 500, timeoutMs: 60_000, idleTimeoutMs: 60_000 };
const MAX_RETRY_AFTER_MS = 60_000;

/** A failure worth another attempt (the server or the connection, not our request). */
class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH)/;

/** Turns whatever fetch or the body stream threw into Transient or a final UserError. */
function classify(url: string, e: unknown): Error {
  if (e instanceof UserError || e instanceof Transient) return e;
  const err = e as Error & { cause?: Error & { code?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return new Transient("timed out");
  const code = err?.cause?.code ?? (err as { code?: string })?.code;
  if (code && TLS_CODES.test(code)) return new UserError("NETWORK", `GET ${url} failed: TLS certificate check failed (${code})`, { cause: e });
  const detail = err?.cause?.message ?? err?.message ?? String(e);
  return new Transient(code ? `${detail} (${code})` : detail);
}

function retryAfter(res: Response): number | undefined {
  const h = res.headers.get("retry-after");
  if (!h) return undefined;
  const s = Number(h);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(h) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * GETs `url` and hands the response to `consume`, retrying the whole exchange (including the
 * body read, since resets mid-body are the common failure) on transient errors.
 */
async function getWithRetries<T>(url: string, opts: HttpOptions, idle: boolean, consume: (res: Response, alive: () => void) => Promise<T>): Promise<T> {
  const o = { ...DEFAULTS, ...opts };
  const doFetch = opts.fetchImpl ?? fetch;
  let last = "";
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const idleCtl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const alive = (): void => {
      if (!idle) return;
      clearTimeout(timer);
      timer = setTimeout(() => idleCtl.abort(new DOMException("idle", "TimeoutError")), o.idleTimeoutMs);
    };
    const signal = idle ? idleCtl.signal : AbortSignal.timeout(o.timeoutMs);
    let wait: number | undefined;
    try {
      alive();
      const res = await doFetch(url, { signal, redirect: "follow" });
      if (url.startsWith("https:") && res.url && !res.url.startsWith("https:")) {
        await res.body?.cancel().catch(() => undefined);
        throw new UserError("NETWORK", `GET ${url}: redirected to non-HTTPS ${res.url}`);
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel().catch(() => undefined);
        throw new Transient(`HTTP ${res.status} ${res.statusText}`.trim(), retryAfter(res));
      }
      if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined);
        throw new UserError("NOT_FOUND", `GET ${url}: HTTP 404 Not Found`);
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new UserError("NETWORK", `GET ${url}: HTTP ${res.status} ${res.statusText}`.trim());
      }
      return await consume(res, alive);
    } catch (e) {
      const c = classify(url, e);
      if (!(c instanceof Transient)) throw c;
      last = c.message;
      wait = c.retryAfterMs;
    } finally {
      clearTimeout(timer);
    }
    if (attempt < o.retries) await sleep(wait ?? o.retryDelayMs * 2 ** attempt * (0.75 + Math.random() / 2));
  }
  throw new UserError("NETWORK", `GET ${url} failed after ${o.retries + 1} attempts: ${last}`);
}

async function readBody(url: string, res: Response, maxBytes: number, onChunk: (c: Uint8Array) => Promise<void> | void): Promise<number> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw new UserError("LIMIT", `GET ${url}: ${declared} bytes is over the ${maxBytes}-byte limit`);
  let n = 0;
  if (res.body) {
    for await (const c of res.body) {
      n += c.length;
      if (n > maxBytes) throw new UserError("LIMIT", `GET ${url}: response is over the ${maxBytes}-byte limit`);
      await onChunk(c);
    }
  }
  // fetch already fails on a short body with Content-Length; this also covers odd servers.
  if (Number.isFinite(declared) && n !== declared) throw new Transient(`truncated response (${n} of ${declared} bytes)`);
  return n;
}

/** GETs a small text file (a CSV, one record). */
export async function httpText(url: string, maxBytes: number, opts: HttpOptions = {}): Promise<string> {
  return getWithRetries(url, opts, false, async (res) => {
    const chunks: Uint8Array[] = [];
    await readBody(url, res, maxBytes, (c) => void chunks.push(c));
    return Buffer.concat(chunks).toString("utf8");
  });
}

/** Streams `url` into the file `dest` (overwritten on each attempt); returns the byte count. */
export async function httpDownload(url: string, dest: string, maxBytes: number, opts: HttpOptions = {}, onBytes?: (n: number) => void): Promise<number> {
  return getWithRetries(url, opts, true, async (res, alive) => {
    const fh = await open(dest, "w");
    try {
      let n = 0;
      const total = await readBody(url, res, maxBytes, async (c) => {
        alive();
        await fh.write(c);
        n += c.length;
        onBytes?.(n);
      });
      await fh.sync();
      return total;
    } finally {
      await fh.close();
    }
  });
}
