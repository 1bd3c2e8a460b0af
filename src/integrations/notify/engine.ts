// New findings → deliveries (filtered per rule, de-duplicated, batched) → webhook POSTs with
// retries. The store is the server's database (server/notify-store.ts); the engine holds no state.
import { randomUUID } from "node:crypto";
import { dedupeKey, ruleMatches } from "./rules.js";
import { BATCH_SIZE, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, body, sign } from "./payload.js";
import { MAX_ATTEMPTS, backoffMs, postWebhook, type SendResult } from "./send.js";
import type { Delivery, NotificationFinding, NotificationRule } from "./types.js";

export interface StoredRule extends NotificationRule {
  /** HMAC key, decrypted. */
  secret: string;
}

export interface NotifyStore {
  rules(): Promise<StoredRule[]>;
  /** Records dedupe keys; returns those not recorded before (atomically: two callers never both get one). */
  claim(keys: string[]): Promise<Set<string>>;
  addDeliveries(deliveries: Delivery[]): Promise<void>;
  /** Pending deliveries whose nextAttemptAt is at or before `now`, oldest first. */
  due(now: string, limit: number): Promise<Delivery[]>;
  updateDelivery(id: string, patch: Partial<Delivery>): Promise<void>;
}

export interface EngineOptions {
  now?: () => Date;
  /** Base of the retry backoff (tests shorten it). */
  backoffBaseMs?: number;
  send?: (url: string, body: string, headers: Record<string, string>) => Promise<SendResult>;
}

/** Queues deliveries for new findings. Returns how many deliveries were made. */
export async function queueFindings(store: NotifyStore, findings: NotificationFinding[], opts: EngineOptions = {}): Promise<number> {
  if (findings.length === 0) return 0;
  const now = (opts.now ?? (() => new Date()))();
  const made: Delivery[] = [];
  for (const rule of await store.rules()) {
    const wanted = findings.filter((f) => ruleMatches(rule, f));
    if (wanted.length === 0) continue;
    // Within one call, a finding reported twice (two names of one image) counts once.
    const byKey = new Map(wanted.map((f) => [dedupeKey(rule.id, f), f]));
    const fresh = await store.claim([...byKey.keys()]);
    const send = [...byKey.entries()].filter(([k]) => fresh.has(k)).map(([, f]) => f);
    for (let i = 0; i < send.length; i += BATCH_SIZE) {
      const batch = send.slice(i, i + BATCH_SIZE);
      made.push({ id: randomUUID(), ruleId: rule.id, status: "pending", body: body(rule.format, rule, batch, now), findings: batch.length, attempts: 0, nextAttemptAt: now.toISOString(), createdAt: now.toISOString() });
    }
  }
  if (made.length) await store.addDeliveries(made);
  return made.length;
}

/** Sends what is due. Returns the deliveries attempted (with their new state). */
export async function deliverDue(store: NotifyStore, opts: EngineOptions = {}, limit = 20): Promise<Delivery[]> {
  const now = (opts.now ?? (() => new Date()))();
  const due = await store.due(now.toISOString(), limit);
  if (due.length === 0) return [];
  const rules = new Map((await store.rules()).map((r) => [r.id, r]));
  const send = opts.send ?? postWebhook;
  const out: Delivery[] = [];
  for (const d of due) {
    const rule = rules.get(d.ruleId);
    const attempts = d.attempts + 1;
    let result: SendResult;
    if (!rule) result = { ok: false, error: "the rule was deleted" };
    else {
      const ts = Math.floor(now.getTime() / 1000);
      result = await send(rule.url, d.body, { [SIGNATURE_HEADER]: sign(rule.secret, ts, d.body), [TIMESTAMP_HEADER]: String(ts), [DELIVERY_HEADER]: d.id });
    }
    const patch: Partial<Delivery> = { attempts };
    if (result.statusCode !== undefined) patch.lastStatusCode = result.statusCode;
    if (result.ok) {
      patch.status = "delivered";
      patch.deliveredAt = new Date().toISOString();
    } else {
      patch.lastError = result.error ?? "failed";
      if (!rule || attempts >= MAX_ATTEMPTS) patch.status = "failed";
      else patch.nextAttemptAt = new Date(now.getTime() + backoffMs(attempts, opts.backoffBaseMs)).toISOString();
    }
    await store.updateDelivery(d.id, patch);
    out.push({ ...d, ...patch });
  }
  return out;
}
