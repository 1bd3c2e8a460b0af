// Notifications against a real local HTTP receiver that checks the HMAC with node:crypto itself.
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue, queueFindings, type NotifyStore, type StoredRule } from "./engine.js";
import { BATCH_SIZE, verifySignature } from "./payload.js";
import { dedupeKey, ruleMatches, ruleProblem } from "./rules.js";
import { backoffMs, postWebhook } from "./send.js";
import type { Delivery, NotificationFinding } from "./types.js";

interface Received { headers: http.IncomingHttpHeaders; body: string; valid: boolean }

let server: http.Server;
let base: string;
const received: Received[] = [];
/** Statuses the receiver answers with, one per request; 200 once empty. */
const script: number[] = [];
const SECRET = "whsec-test-0123456789";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const ts = String(req.headers["x-bulwark-timestamp"]);
      // Independent check: the receiver computes the HMAC itself.
      const expected = "sha256=" + createHmac("sha256", SECRET).update(`${ts}.${raw}`).digest("hex");
      received.push({ headers: req.headers, body: raw, valid: expected === req.headers["x-bulwark-signature"] });
      if (req.url === "/slow") return; // never answers
      res.statusCode = script.shift() ?? 200;
      res.end(res.statusCode === 200 ? "ok" : "try later");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

class MemoryStore implements NotifyStore {
  sent = new Set<string>();
  deliveries = new Map<string, Delivery>();
  constructor(public list: StoredRule[]) {}
  async rules() { return this.list; }
  async claim(keys: string[]) {
    const fresh = new Set<string>();
    for (const k of keys) if (!this.sent.has(k)) { this.sent.add(k); fresh.add(k); }
    return fresh;
  }
  async addDeliveries(ds: Delivery[]) { for (const d of ds) this.deliveries.set(d.id, d); }
  async due(now: string, limit: number) {
    return [...this.deliveries.values()].filter((d) => d.status === "pending" && d.nextAttemptAt <= now).slice(0, limit);
  }
  async updateDelivery(id: string, patch: Partial<Delivery>) { this.deliveries.set(id, { ...this.deliveries.get(id)!, ...patch }); }
}

function rule(over: Partial<StoredRule> = {}): StoredRule {
  return { id: "r1", name: "prod criticals", url: `${base}/hook`, format: "json", minSeverity: "HIGH", fixableOnly: false, registries: [], namespaces: [], enabled: true, secret: SECRET, ...over };
}

function finding(i: number, over: Partial<NotificationFinding> = {}): NotificationFinding {
  return { imageDigest: `sha256:${String(i % 7).repeat(64)}`, imageNames: [`registry.example.com/prod/app${i % 7}:1`], id: `CVE-2026-${1000 + i}`, package: "openssl", version: "3.0.11-1", fixedVersion: i % 2 ? "3.0.13-1" : undefined, severity: i % 3 === 0 ? "CRITICAL" : i % 3 === 1 ? "HIGH" : "LOW", foundAt: "2026-12-07T12:00:00.000Z", ...over };
}

describe("rules", () => {
  it("filter by severity, fixability, registry and namespace globs", () => {
    const f = finding(1);
    expect(ruleMatches(rule(), f)).toBe(true);
    expect(ruleMatches(rule({ minSeverity: "CRITICAL" }), f)).toBe(false);
    expect(ruleMatches(rule({ fixableOnly: true }), finding(2, { severity: "HIGH" }))).toBe(false);
    expect(ruleMatches(rule({ registries: ["*.example.com"], namespaces: ["prod/*"] }), f)).toBe(true);
    expect(ruleMatches(rule({ namespaces: ["dev/**"] }), f)).toBe(false);
    expect(ruleMatches(rule({ namespaces: ["prod"] }), f)).toBe(false);
    expect(ruleMatches(rule({ minSeverity: "CRITICAL" }), finding(2, { severity: "UNKNOWN", malicious: true }))).toBe(true);
    expect(ruleMatches(rule({ enabled: false }), f)).toBe(false);
    expect(ruleMatches(rule({ registries: ["docker.io"], namespaces: ["library/*"] }), finding(1, { imageNames: ["nginx:1.25"] }))).toBe(true);
  });

  it("refuse bad rule bodies", () => {
    expect(ruleProblem({ name: "x", url: `${base}/hook` })).toBeUndefined();
    expect(ruleProblem({ name: "x", url: "file:///etc/passwd" })).toMatch(/http/);
    expect(ruleProblem({ name: "x", url: "https://h", minSeverity: "SEVERE" as never })).toMatch(/minSeverity/);
    expect(ruleProblem({ name: "", url: "https://h" })).toMatch(/name/);
    expect(ruleProblem({ name: "x", url: "https://h", namespaces: "prod/*" as never })).toMatch(/namespaces/);
  });
});

describe("deliveries", () => {
  it("signed JSON batches, each finding once, retried with backoff until delivered", async () => {
    received.length = 0;
    const store = new MemoryStore([rule()]);
    const findings = Array.from({ length: 130 }, (_, i) => finding(i));
    const wanted = findings.filter((f) => f.severity !== "LOW");
    let clock = new Date("2026-12-07T12:00:00Z");
    const opts = { now: () => clock, backoffBaseMs: 1000 };
    const made = await queueFindings(store, findings, opts);
    expect(made).toBe(Math.ceil(wanted.length / BATCH_SIZE));
    // The same findings again (a second re-match, another name of the image): nothing new.
    expect(await queueFindings(store, [...findings, { ...findings[0]!, imageNames: ["other/name:2"] }], opts)).toBe(0);

    script.push(500, 503);
    let attempted = await deliverDue(store, opts);
    expect(attempted.map((d) => d.status)).toEqual(Array(made).fill("pending"));
    expect(attempted[0]!.lastError).toMatch(/HTTP 500/);
    // Not due yet: nothing is sent before the backoff has passed.
    expect(await deliverDue(store, opts)).toEqual([]);
    clock = new Date(clock.getTime() + backoffMs(1, 1000));
    attempted = await deliverDue(store, opts);
    expect(attempted.every((d) => d.status === "delivered" && d.attempts === 2)).toBe(true);

    const ok = received.filter((r) => r.valid);
    expect(received.length).toBe(made * 2);
    expect(ok.length).toBe(received.length);
    const delivered = new Set(received.slice(made).flatMap((r) => (JSON.parse(r.body) as { findings: { id: string; image: { digest: string } }[] }).findings.map((f) => dedupeKey("r1", { ...finding(0), id: f.id, imageDigest: f.image.digest }))));
    expect(delivered.size).toBe(wanted.length);
    expect(received[0]!.headers["x-bulwark-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifySignature(SECRET, String(received[0]!.headers["x-bulwark-timestamp"]), received[0]!.body, String(received[0]!.headers["x-bulwark-signature"]), clock.getTime())).toBe(true);
    // A tampered body or an old timestamp fails.
    expect(verifySignature(SECRET, String(received[0]!.headers["x-bulwark-timestamp"]), received[0]!.body + " ", String(received[0]!.headers["x-bulwark-signature"]), clock.getTime())).toBe(false);
    expect(verifySignature(SECRET, String(received[0]!.headers["x-bulwark-timestamp"]), received[0]!.body, String(received[0]!.headers["x-bulwark-signature"]), clock.getTime() + 3600_000)).toBe(false);
  });

  it("Slack format: text and blocks within Slack's limits", async () => {
    received.length = 0;
    const store = new MemoryStore([rule({ format: "slack", minSeverity: "LOW" })]);
    await queueFindings(store, Array.from({ length: 49 }, (_, i) => finding(i, { package: i === 0 ? "<script>&" : "openssl" })));
    await deliverDue(store);
    expect(received.length).toBe(1);
    const msg = JSON.parse(received[0]!.body) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(msg.text).toMatch(/^Bulwark: 49 new findings/);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(msg.blocks.every((b) => (b.text?.text.length ?? 0) <= 3000)).toBe(true);
    expect(received[0]!.body).not.toContain("<script>");
    expect(received[0]!.body).toContain("&lt;script&gt;&amp;");
  });

  it("gives up after the last attempt and says why; a silent receiver times out", async () => {
    const store = new MemoryStore([rule({ url: "http://127.0.0.1:1/closed" })]);
    let clock = new Date("2026-12-07T12:00:00Z");
    await queueFindings(store, [finding(0)], { now: () => clock });
    let attempts = 0;
    for (let i = 0; i < 10; i++) {
      attempts += (await deliverDue(store, { now: () => clock, backoffBaseMs: 10 })).length;
      clock = new Date(clock.getTime() + 3600_000);
    }
    expect(attempts).toBe(8);
    const last = [...store.deliveries.values()];
    expect(last[0]).toMatchObject({ status: "failed", attempts: 8 });
    expect(last[0]!.lastError).toMatch(/ECONNREFUSED/);
    const t0 = Date.now();
    const r = await postWebhook(`${base}/slow`, "{}", {}, 300);
    expect(r).toMatchObject({ ok: false });
    expect(r.error).toMatch(/no answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
