// Notifications on the server database: rules (secrets sealed with BULWARK_SECRET_KEY), the
// de-duplication keys, deliveries, and the poller that turns new findings rows into deliveries.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Severity } from "../../index.js";
import { deliverDue, queueFindings, type EngineOptions, type NotifyStore, type StoredRule } from "../../integrations/notify/engine.js";
import type { Delivery, NotificationFinding, NotificationRule } from "../../integrations/notify/types.js";
import type { ServerContext } from "../context.js";
import { resolveFindingData } from "../finding-data.js";
import { HttpError } from "../http-error.js";
import { decryptSecret, encryptSecret } from "../secrets.js";
import { idb } from "./schema.js";

const CURSOR_KEY = "notify.cursor";
/** New findings are looked for this far behind the cursor: a scan's transaction may commit after a later one. */
const OVERLAP_MS = 10 * 60_000;
/** Findings read per page, and per poll. */
const PAGE = 2000;
const MAX_PER_POLL = 200_000;

export function requireKey(ctx: ServerContext): Buffer {
  const key = ctx.config.secretKey;
  if (!key) throw new HttpError(409, "NO_SECRET_KEY", "set BULWARK_SECRET_KEY (32 bytes, e.g. `openssl rand -hex 32`) on the server: webhook URLs, signing secrets and registry credentials are stored encrypted with it");
  return key;
}

/** `https://hooks.slack.com/…`: enough to recognise, nothing of a path that may be a credential. */
export function urlHint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? "/…" : "/"}`;
}

export type RuleInput = Omit<NotificationRule, "id" | "enabled"> & { enabled?: boolean };

export async function createRule(ctx: ServerContext, r: RuleInput): Promise<{ rule: NotificationRule; secret: string }> {
  const key = requireKey(ctx);
  const id = randomUUID();
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  await idb(ctx.db)
    .insertInto("notify_rules")
    .values({
      id, name: r.name, sealed: encryptSecret(key, JSON.stringify({ url: r.url, secret }), `notify:${id}`), url_hint: urlHint(r.url), format: r.format, min_severity: r.minSeverity,
      fixable_only: r.fixableOnly ? 1 : 0, registries: JSON.stringify(r.registries), namespaces: JSON.stringify(r.namespaces), enabled: r.enabled === false ? 0 : 1, created_at: ctx.clock().toISOString(),
    })
    .execute();
  return { rule: { ...r, id, enabled: r.enabled !== false, url: urlHint(r.url) }, secret };
}

type RuleRow = { id: string; name: string; url_hint: string; format: string; min_severity: string; fixable_only: number; registries: string; namespaces: string; enabled: number; sealed: string };

function ruleOf(row: RuleRow): NotificationRule {
  return {
    id: row.id, name: row.name, url: row.url_hint, format: row.format === "slack" ? "slack" : "json", minSeverity: row.min_severity as Severity,
    fixableOnly: Number(row.fixable_only) === 1, registries: JSON.parse(row.registries) as string[], namespaces: JSON.parse(row.namespaces) as string[], enabled: Number(row.enabled) === 1,
  };
}

/** Rules as the API shows them: the URL reduced to its origin. */
export async function listRules(ctx: ServerContext): Promise<NotificationRule[]> {
  const rows = await idb(ctx.db).selectFrom("notify_rules").selectAll().orderBy("created_at").execute();
  return rows.map(ruleOf);
}

export class DbNotifyStore implements NotifyStore {
  constructor(private readonly ctx: ServerContext) {}

  async rules(): Promise<StoredRule[]> {
    const key = this.ctx.config.secretKey;
    if (!key) return [];
    const rows = await idb(this.ctx.db).selectFrom("notify_rules").selectAll().where("enabled", "=", 1).execute();
    const out: StoredRule[] = [];
    for (const row of rows) {
      try {
        const { url, secret } = JSON.parse(decryptSecret(key, row.sealed, `notify:${row.id}`)) as { url: string; secret: string };
        out.push({ ...ruleOf(row), url, secret });
      } catch (e) {
        this.ctx.log.warn(`notification rule ${row.id}: ${(e as Error).message}`);
      }
    }
    return out;
  }

  async claim(keys: string[]): Promise<Set<string>> {
    // Hashed: keys hold image names and package names of any length.
    const hashed = new Map(keys.map((k) => [createHash("sha256").update(k).digest("hex"), k]));
    const fresh = new Set<string>();
    const now = this.ctx.clock().toISOString();
    // One transaction: a row per key, and the insert that wins the key is the one that sends.
    await idb(this.ctx.db).transaction().execute(async (trx) => {
      for (const [h, k] of hashed) {
        const r = await trx.insertInto("notify_sent").values({ key: h, created_at: now }).onConflict((oc) => oc.column("key").doNothing()).executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) fresh.add(k);
      }
    });
    return fresh;
  }

  async addDeliveries(ds: Delivery[]): Promise<void> {
    if (ds.length === 0) return;
    await idb(this.ctx.db)
      .insertInto("notify_deliveries")
      .values(ds.map((d) => ({ id: d.id, rule_id: d.ruleId, status: d.status, body: d.body, findings: d.findings, attempts: d.attempts, next_attempt_at: d.nextAttemptAt, last_error: null, last_status_code: null, created_at: d.createdAt, delivered_at: null })))
      .execute();
  }

  async due(now: string, limit: number): Promise<Delivery[]> {
    const rows = await idb(this.ctx.db).selectFrom("notify_deliveries").selectAll().where("status", "=", "pending").where("next_attempt_at", "<=", now).orderBy("next_attempt_at").limit(limit).execute();
    return rows.map(deliveryOf);
  }

  async updateDelivery(id: string, patch: Partial<Delivery>): Promise<void> {
    const set: Record<string, unknown> = {};
    if (patch.status) set["status"] = patch.status;
    if (patch.attempts !== undefined) set["attempts"] = patch.attempts;
    if (patch.nextAttemptAt) set["next_attempt_at"] = patch.nextAttemptAt;
    if (patch.lastError !== undefined) set["last_error"] = patch.lastError.slice(0, 500);
    if (patch.lastStatusCode !== undefined) set["last_status_code"] = patch.lastStatusCode;
    if (patch.deliveredAt) set["delivered_at"] = patch.deliveredAt;
    await idb(this.ctx.db).updateTable("notify_deliveries").set(set).where("id", "=", id).execute();
  }
}

type DeliveryRow = { id: string; rule_id: string; status: string; body: string; findings: number; attempts: number; next_attempt_at: string; last_error: string | null; last_status_code: number | null; created_at: string; delivered_at: string | null };

export function deliveryOf(r: DeliveryRow): Delivery {
  return {
    id: r.id, ruleId: r.rule_id, status: r.status as Delivery["status"], body: r.body, findings: Number(r.findings), attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at, ...(r.last_error ? { lastError: r.last_error } : {}), ...(r.last_status_code !== null ? { lastStatusCode: Number(r.last_status_code) } : {}), ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
  };
}

async function getCursor(ctx: ServerContext): Promise<string | undefined> {
  const row = await ctx.db.selectFrom("meta").select("value").where("key", "=", CURSOR_KEY).executeTakeFirst();
  return row?.value;
}

async function setCursor(ctx: ServerContext, value: string): Promise<void> {
  await ctx.db.insertInto("meta").values({ key: CURSOR_KEY, value }).onConflict((oc) => oc.column("key").doUpdateSet({ value })).execute();
}

/**
 * Findings that appeared since the last poll (scans and re-matches alike) → deliveries. The first
 * poll of a server only sets the cursor: the findings already stored are not news.
 */
export async function pollNewFindings(ctx: ServerContext, opts: EngineOptions = {}): Promise<number> {
  const cursor = await getCursor(ctx);
  const now = ctx.clock().toISOString();
  if (cursor === undefined) {
    await setCursor(ctx, now);
    return 0;
  }
  const since = new Date(Date.parse(cursor) - OVERLAP_MS).toISOString();
  const store = new DbNotifyStore(ctx);
  let made = 0;
  let read = 0;
  let after: { first_seen: string; image_digest: string; vuln_id: string; purl: string } | undefined;
  // Pages in (first_seen, image, id, purl) order: one re-match stamps thousands of rows with the
  // same first_seen, so the time alone cannot be the page key.
  for (;;) {
    let q = ctx.db
      .selectFrom("findings")
      .select(["image_digest", "vuln_id", "purl", "package", "version", "fixed_version", "severity", "first_seen", "data"])
      .where("first_seen", ">", since)
      .where("resolved_at", "is", null);
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb("first_seen", ">", a.first_seen),
          eb.and([eb("first_seen", "=", a.first_seen), eb("image_digest", ">", a.image_digest)]),
          eb.and([eb("first_seen", "=", a.first_seen), eb("image_digest", "=", a.image_digest), eb("vuln_id", ">", a.vuln_id)]),
          eb.and([eb("first_seen", "=", a.first_seen), eb("image_digest", "=", a.image_digest), eb("vuln_id", "=", a.vuln_id), eb("purl", ">", a.purl)]),
        ]),
      );
    }
    const rows = await q.orderBy("first_seen").orderBy("image_digest").orderBy("vuln_id").orderBy("purl").limit(PAGE).execute();
    if (rows.length === 0) break;
    made += await queueFindings(store, await toFindings(ctx, rows), opts);
    read += rows.length;
    after = rows[rows.length - 1]!;
    if (rows.length < PAGE || read >= MAX_PER_POLL) break;
  }
  // Past the cap, the next poll goes on from the last row read (minus the overlap).
  await setCursor(ctx, read >= MAX_PER_POLL && after ? after.first_seen : now);
  return made;
}

type FindingRow = { image_digest: string; vuln_id: string; package: string; version: string; fixed_version: string | null; severity: string; first_seen: string; data: string };

async function toFindings(ctx: ServerContext, rows: FindingRow[]): Promise<NotificationFinding[]> {
  await resolveFindingData(ctx.db, rows);
  const digests = [...new Set(rows.map((r) => r.image_digest))];
  const names = new Map<string, string[]>();
  for (let i = 0; i < digests.length; i += 500) {
    const part = await ctx.db.selectFrom("image_names").select(["digest", "name"]).where("digest", "in", digests.slice(i, i + 500)).execute();
    for (const n of part) names.set(n.digest, [...(names.get(n.digest) ?? []), n.name]);
  }
  return rows.map((r) => {
    let extra: { title?: string; malicious?: boolean } = {};
    try {
      extra = JSON.parse(r.data) as typeof extra;
    } catch {
      // Rows without data.
    }
    return {
      imageDigest: r.image_digest, imageNames: names.get(r.image_digest) ?? [], id: r.vuln_id, package: r.package, version: r.version,
      ...(r.fixed_version ? { fixedVersion: r.fixed_version } : {}), severity: r.severity as Severity, ...(extra.title ? { title: extra.title } : {}), ...(extra.malicious ? { malicious: true } : {}), foundAt: r.first_seen,
    };
  });
}

export async function sendDue(ctx: ServerContext, opts: EngineOptions = {}): Promise<Delivery[]> {
  return deliverDue(new DbNotifyStore(ctx), { now: ctx.clock, ...opts });
}

/** Deliveries for the API, newest first, without bodies. */
export async function listDeliveries(ctx: ServerContext, limit = 100, status?: string): Promise<Omit<Delivery, "body">[]> {
  let q = idb(ctx.db).selectFrom("notify_deliveries").selectAll().orderBy("created_at", "desc").limit(limit);
  if (status) q = q.where("status", "=", status);
  return (await q.execute()).map((r) => {
    const { body: _body, ...d } = deliveryOf(r);
    return d;
  });
}

/** Kept for tests: how many rows a table has. */
export async function countRows(ctx: ServerContext, table: "notify_sent" | "notify_deliveries"): Promise<number> {
  const r = await sql<{ n: string | number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(ctx.db);
  return Number(r.rows[0]?.n ?? 0);
}
