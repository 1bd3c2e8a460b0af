// Registry watches on the server: stored watches (credentials sealed with BULWARK_SECRET_KEY, a
// per-watch event secret kept as a hash), the scheduler that lists them, and push events.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { UserError } from "../../index.js";
import type { PushedImage } from "../../integrations/watch/events.js";
import { listWatch, type ListOptions } from "../../integrations/watch/list.js";
import type { Watch, WatchCredentials } from "../../integrations/watch/types.js";
import type { Principal, ServerContext } from "../context.js";
import { submitScan } from "../scan-jobs.js";
import { decryptSecret, encryptSecret } from "../secrets.js";
import { submitCredentialedScan } from "./harbor.js";
import { idb } from "./schema.js";

const hash = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex");

type WatchRow = {
  id: string; name: string; registry: string; repositories: string; tags: string; interval_seconds: number; insecure: number; enabled: number;
  credentials: string | null; event_secret_hash: string; last_listed_at: string | null; next_list_at: string | null; last_error: string | null; created_at: string;
};

export function watchOf(r: WatchRow): Watch {
  return {
    id: r.id, name: r.name, registry: r.registry, repositories: JSON.parse(r.repositories) as string[], tags: JSON.parse(r.tags) as string[],
    intervalSeconds: Number(r.interval_seconds), insecure: Number(r.insecure) === 1, enabled: Number(r.enabled) === 1, hasCredentials: r.credentials !== null,
    ...(r.last_listed_at ? { lastListedAt: r.last_listed_at } : {}), ...(r.last_error ? { lastError: r.last_error } : {}), createdAt: r.created_at,
  };
}

export interface WatchInput {
  name: string;
  registry: string;
  repositories?: string[];
  tags?: string[];
  intervalSeconds?: number;
  insecure?: boolean;
  enabled?: boolean;
  username?: string;
  password?: string;
}

const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;

/** Creates a watch; returns it with its event secret (shown once). */
export async function createWatch(ctx: ServerContext, w: WatchInput): Promise<{ watch: Watch; eventSecret: string }> {
  if (!HOST.test(w.registry) || w.registry.length > 255) throw new UserError("INPUT", "registry must be a host[:port], without scheme or path");
  if ((w.username === undefined) !== (w.password === undefined)) throw new UserError("INPUT", "username and password go together");
  const id = randomUUID();
  let credentials: string | null = null;
  if (w.username !== undefined) {
    if (!ctx.config.secretKey) throw new UserError("USAGE", "registry credentials need BULWARK_SECRET_KEY on the server (they are stored encrypted)");
    credentials = encryptSecret(ctx.config.secretKey, JSON.stringify({ username: w.username, password: w.password }), `watch:${id}`);
  }
  const eventSecret = `bwe_${randomBytes(24).toString("base64url")}`;
  const now = ctx.clock().toISOString();
  const interval = w.intervalSeconds ?? 3600;
  await idb(ctx.db)
    .insertInto("watches")
    .values({
      id, name: w.name, registry: w.registry, repositories: JSON.stringify(w.repositories ?? []), tags: JSON.stringify(w.tags ?? []), interval_seconds: interval,
      insecure: w.insecure ? 1 : 0, enabled: w.enabled === false ? 0 : 1, credentials, event_secret_hash: hash(eventSecret), last_listed_at: null,
      next_list_at: interval > 0 ? now : null, last_error: null, created_at: now,
    })
    .execute();
  const row = await idb(ctx.db).selectFrom("watches").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return { watch: watchOf(row), eventSecret };
}

export async function listWatches(ctx: ServerContext): Promise<Watch[]> {
  return (await idb(ctx.db).selectFrom("watches").selectAll().orderBy("created_at").execute()).map(watchOf);
}

export async function getWatchRow(ctx: ServerContext, id: string): Promise<WatchRow | undefined> {
  return idb(ctx.db).selectFrom("watches").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function deleteWatch(ctx: ServerContext, id: string): Promise<boolean> {
  const r = await idb(ctx.db).deleteFrom("watches").where("id", "=", id).executeTakeFirst();
  await idb(ctx.db).deleteFrom("watch_seen").where("watch_id", "=", id).execute();
  return Number(r.numDeletedRows) > 0;
}

/** Constant-time check of a presented event secret against the stored hash. */
export function eventSecretMatches(row: Pick<WatchRow, "event_secret_hash">, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(hash(presented), "hex");
  const b = Buffer.from(row.event_secret_hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

function credentialsOf(ctx: ServerContext, row: WatchRow): WatchCredentials | undefined {
  if (!row.credentials) return undefined;
  if (!ctx.config.secretKey) throw new UserError("USAGE", "this watch has stored credentials but BULWARK_SECRET_KEY is not set");
  return JSON.parse(decryptSecret(ctx.config.secretKey, row.credentials, `watch:${row.id}`)) as WatchCredentials;
}

/**
 * Enqueues scans of the digests this watch has not seen; returns the scan ids. A digest is
 * recorded first (insert-or-ignore), so two listings or an event racing a listing scan it once.
 */
export async function enqueueImages(ctx: ServerContext, row: WatchRow, images: PushedImage[], source: "watch" | "watch-event", by?: Principal): Promise<string[]> {
  const ids: string[] = [];
  const creds = credentialsOf(ctx, row);
  for (const img of images) {
    const r = await idb(ctx.db)
      .insertInto("watch_seen")
      .values({ watch_id: row.id, repository: img.repository, digest: img.digest, scan_id: null, first_seen: ctx.clock().toISOString() })
      .onConflict((oc) => oc.columns(["watch_id", "repository", "digest"]).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) continue;
    const image = `${row.registry}/${img.repository}@${img.digest}`;
    const scanId =
      creds || Number(row.insecure) === 1
        ? await submitCredentialedScan(ctx, { image, source, insecure: Number(row.insecure) === 1, ...(creds ? { credentials: creds } : {}), singletonKey: img.digest }, by)
        : await submitScan(ctx, image, source, by);
    await idb(ctx.db).updateTable("watch_seen").set({ scan_id: scanId }).where("watch_id", "=", row.id).where("repository", "=", img.repository).where("digest", "=", img.digest).execute();
    ids.push(scanId);
  }
  return ids;
}

/** Lists one watch now and enqueues what is new. */
export async function runWatch(ctx: ServerContext, row: WatchRow, opts: ListOptions = {}): Promise<{ listed: number; queued: string[]; errors: number }> {
  const now = ctx.clock();
  const next = Number(row.interval_seconds) > 0 ? new Date(now.getTime() + Number(row.interval_seconds) * 1000).toISOString() : null;
  try {
    const listing = await listWatch(watchOf(row), credentialsOf(ctx, row), opts);
    const queued = await enqueueImages(ctx, row, listing.images, "watch");
    const problem = listing.errors.length ? `${listing.errors.length} errors, first: ${listing.errors[0]!.message}` : listing.truncated ?? null;
    await idb(ctx.db).updateTable("watches").set({ last_listed_at: now.toISOString(), next_list_at: next, last_error: problem ? problem.slice(0, 500) : null }).where("id", "=", row.id).execute();
    return { listed: listing.images.length, queued, errors: listing.errors.length };
  } catch (e) {
    await idb(ctx.db).updateTable("watches").set({ last_listed_at: now.toISOString(), next_list_at: next, last_error: (e instanceof Error ? e.message : String(e)).slice(0, 500) }).where("id", "=", row.id).execute();
    return { listed: 0, queued: [], errors: 1 };
  }
}

/** Runs the watches whose next listing is due (the scheduler's tick). */
export async function runDueWatches(ctx: ServerContext, opts: ListOptions = {}): Promise<number> {
  const now = ctx.clock().toISOString();
  const due = await idb(ctx.db).selectFrom("watches").selectAll().where("enabled", "=", 1).where("next_list_at", "is not", null).where("next_list_at", "<=", now).execute();
  for (const row of due) {
    // Claim: move next_list_at first, so a second server on the same database skips it.
    const claimed = await idb(ctx.db).updateTable("watches").set({ next_list_at: new Date(Date.parse(now) + 60_000 * 10).toISOString() }).where("id", "=", row.id).where("next_list_at", "=", row.next_list_at).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    await runWatch(ctx, row, opts);
  }
  return due.length;
}
