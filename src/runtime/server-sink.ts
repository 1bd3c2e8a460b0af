// Alerts to a Bulwark server (`runtime watch --server URL --token T`): POST /api/v1/alerts in
// batches (one per second at most, by default), retried with exponential backoff. `send` only
// queues: event handling never waits for the network. The queue is bounded (the oldest alerts
// are dropped, counted, when the server is away for long), and the token is never printed.
import { UserError } from "../errors.js";
import type { Alert } from "./engine.js";

export interface ServerSinkOptions {
  /** Notices (failures, drops), one line each; never holds the token. */
  onNotice?(message: string): void;
  /** Milliseconds between batches (default 1000). */
  batchMs?: number;
  /** Alerts per request (default 200). */
  maxBatch?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBatchBytes?: number;
  /** Alerts kept while the server cannot be reached (default 10,000). */
  maxQueue?: number;
  /** First retry delay (default 1000 ms), doubled per failure up to maxBackoffMs (default 60 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

export interface ServerSinkStats {
  sent: number;
  /** Dropped because the queue was full (oldest first). */
  dropped: number;
  /** Refused by the server (4xx other than 408/429): not retried. */
  rejected: number;
  /** Failed requests (each retried, unless refused). */
  failures: number;
  queued: number;
}

/** The alerts endpoint for `--server URL` (checked, with the token, before the watcher starts). */
export function alertsUrl(server: string, token: string | undefined): URL {
  if (!token) throw new UserError("USAGE", "--server needs a token: --token T or BULWARK_TOKEN");
  if (!/^[\x21-\x7e]{1,512}$/.test(token)) throw new UserError("USAGE", "--token: 1-512 printable characters without spaces");
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new UserError("USAGE", `--server ${JSON.stringify(server.slice(0, 200))} is not a URL`);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new UserError("USAGE", "--server must be an http:// or https:// URL");
  if (base.username || base.password) throw new UserError("USAGE", "--server: put the token in --token, not in the URL");
  return new URL("api/v1/alerts", base.href.endsWith("/") ? base.href : base.href + "/");
}

export class ServerAlertSink {
  readonly stats: ServerSinkStats = { sent: 0, dropped: 0, rejected: 0, failures: 0, queued: 0 };
  private queue: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private closing = false;
  private backoff = 0;
  private lastNoticeAt = 0;
  private idle: Array<() => void> = [];
  private readonly abort = new AbortController();
  private readonly o: Required<Omit<ServerSinkOptions, "onNotice">>;

  constructor(
    private readonly url: URL,
    private readonly token: string,
    private readonly opts: ServerSinkOptions = {},
  ) {
    this.o = {
      batchMs: opts.batchMs ?? 1000,
      maxBatch: opts.maxBatch ?? 200,
      maxBatchBytes: opts.maxBatchBytes ?? 1 << 20,
      maxQueue: opts.maxQueue ?? 10_000,
      backoffMs: opts.backoffMs ?? 1000,
      maxBackoffMs: opts.maxBackoffMs ?? 60_000,
      timeoutMs: opts.timeoutMs ?? 15_000,
    };
  }

  /** Queues an alert; returns at once. */
  send(alert: Alert): void {
    let json = JSON.stringify(alert);
    if (json.length > this.o.maxBatchBytes - 64) {
      // Too large for any request: keep the alert, without its fields.
      json = JSON.stringify({ ...alert, output: alert.output.slice(0, 16 * 1024), output_fields: { truncated: true } });
    }
    if (this.queue.length >= this.o.maxQueue) {
      this.queue.shift();
      this.stats.dropped++;
      this.notice(`server ${this.url.origin}: alert queue full (${this.o.maxQueue}), dropping the oldest alerts (${this.stats.dropped} so far)`);
    }
    this.queue.push(json);
    this.stats.queued = this.queue.length;
    this.schedule(this.o.batchMs);
  }

  private schedule(ms: number): void {
    if (this.timer || this.busy) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, ms);
    // A pending batch never keeps the process alive by itself: close() flushes.
    this.timer.unref();
  }

  private notice(m: string, always = false): void {
    if (!always && Date.now() - this.lastNoticeAt < 10_000) return;
    this.lastNoticeAt = Date.now();
    this.opts.onNotice?.(m.split(this.token).join("<token>"));
  }

  /** Takes the next batch off the queue (by count and bytes). */
  private take(): string[] {
    const batch: string[] = [];
    let bytes = 16;
    while (this.queue.length && batch.length < this.o.maxBatch && (batch.length === 0 || bytes + this.queue[0]!.length + 1 <= this.o.maxBatchBytes)) {
      const a = this.queue.shift()!;
      bytes += a.length + 1;
      batch.push(a);
    }
    return batch;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const batch = this.take();
        const outcome = await this.post(batch);
        if (outcome === "ok") {
          this.stats.sent += batch.length;
          this.backoff = 0;
          continue;
        }
        if (outcome === "rejected") {
          this.stats.rejected += batch.length;
          continue;
        }
        if (outcome === "split") {
          // Too large for the server: smaller batches from now on, this one again at once.
          this.o.maxBatch = Math.max(1, Math.floor(batch.length / 2));
          this.queue.unshift(...batch);
          continue;
        }
        // Retry later: the batch goes back to the front (oldest first), within the queue's bound.
        this.queue.unshift(...batch);
        while (this.queue.length > this.o.maxQueue) {
          this.queue.shift();
          this.stats.dropped++;
        }
        if (this.closing) break;
        this.backoff = this.backoff ? Math.min(this.backoff * 2, this.o.maxBackoffMs) : this.o.backoffMs;
        this.busy = false;
        this.stats.queued = this.queue.length;
        this.schedule(this.backoff);
        return;
      }
    } finally {
      this.stats.queued = this.queue.length;
    }
    this.busy = false;
    if (this.queue.length && !this.closing) this.schedule(this.o.batchMs);
    else for (const r of this.idle.splice(0)) r();
  }

  private async post(batch: string[]): Promise<"ok" | "retry" | "rejected" | "split"> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
        body: `{"alerts":[${batch.join(",")}]}`,
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.abort.signal]),
      });
    } catch (e) {
      this.stats.failures++;
      const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
      this.notice(`server ${this.url.origin}: sending ${batch.length} alerts failed (${cause}); retrying with backoff`);
      return "retry";
    }
    const text = (await res.text().catch(() => "")).slice(0, 4096);
    if (res.ok) return "ok";
    this.stats.failures++;
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // Not JSON.
    }
    message = message.replace(/\p{Cc}/gu, "?");
    if (res.status === 413 && batch.length > 1) return "split";
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      this.notice(`server ${this.url.origin}: HTTP ${res.status} for ${batch.length} alerts (${message}); retrying with backoff`);
      return "retry";
    }
    // The first refusal is always said (a wrong token, a schema mismatch); later ones at most every 10 s.
    this.notice(`server ${this.url.origin} refused ${batch.length} alerts (HTTP ${res.status}): ${message}`, this.stats.rejected === 0);
    return "rejected";
  }

  /** Sends what is queued (waiting at most timeoutMs), then stops retrying. */
  async close(timeoutMs = 10_000): Promise<ServerSinkStats> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const done = new Promise<void>((r) => this.idle.push(r));
    if (!this.busy) {
      if (this.queue.length) void this.pump();
      else for (const r of this.idle.splice(0)) r();
    }
    let t: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (t = setTimeout(r, timeoutMs)))]);
    clearTimeout(t);
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    this.stats.queued = this.queue.length;
    return this.stats;
  }
}
