// One webhook POST with bounded time and memory, and the retry schedule.
import http from "node:http";
import https from "node:https";

export const SEND_TIMEOUT_MS = 10_000;
/** A receiver's answer is read up to this many bytes (for the error text), then dropped. */
const MAX_ANSWER = 4096;
/** Attempts before a delivery is marked failed. */
export const MAX_ATTEMPTS = 8;

/** Delay before attempt `attempt + 1` (attempt counts from 1): 30 s doubling, at most 1 h. */
export function backoffMs(attempt: number, baseMs = 30_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
}

export function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ ok: false, error: "invalid URL" });
      return;
    }
    const lib = u.protocol === "https:" ? https : u.protocol === "http:" ? http : undefined;
    if (!lib) {
      resolve({ ok: false, error: "URL must be http or https" });
      return;
    }
    let done = false;
    const finish = (r: SendResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = lib.request(u, { method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "bulwark-notifier", ...headers } }, (res) => {
      let got = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        if (got.length < MAX_ANSWER) got += c.slice(0, MAX_ANSWER - got.length);
      });
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) finish({ ok: true, statusCode: status });
        else finish({ ok: false, statusCode: status, error: `HTTP ${status}${got ? `: ${got.replace(/\s+/g, " ").trim().slice(0, 200)}` : ""}` });
      });
      res.on("error", (e) => finish({ ok: false, statusCode: res.statusCode, error: e.message }));
    });
    // Whole-request deadline: a receiver that trickles bytes cannot hold a worker.
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on("error", (e) => finish({ ok: false, error: e.message }));
    req.end(body);
  });
}
