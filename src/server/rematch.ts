// Advisory refresh and re-match. After the advisory database changed (a scheduled update, or
// `bulwark db import` followed by POST /api/v1/advisories/refresh), the records whose `modified`
// differs from what the server saw last time (advisory_state) give the changed (ecosystem, name)
// lookup keys; package_keys maps those to stored packages, which alone are matched again against
// the database. No image is pulled: the stored inventory is all matching needs.
import { sql } from "kysely";
import { AdvisoryDB, dbStatus, matchPackages, updateDb, type Package, type Report, type Vulnerability } from "../index.js";
import type { ServerContext } from "./context.js";
import { applyFindingsBatch, lockImages, refreshPackageSummary, type FindingsUpdate } from "./store.js";

export interface RematchResult {
  /** Advisory records new, changed or removed since the last re-match. */
  changedRecords: number;
  /** Distinct (ecosystem, name) keys those records name. */
  pairs: number;
  /** Images whose packages were matched again. */
  images: number;
  packages: number;
  /** Findings that appeared / were resolved. */
  added: number;
  resolved: number;
  /** "full" when the server had no record of the database yet (every image re-matched). */
  mode: "incremental" | "full";
  ms: number;
}

export interface RefreshResult {
  updated: { ecosystem: string; mode: string; records: number }[];
  updateError?: string;
  rematch: RematchResult;
}

let running: Promise<unknown> | undefined;

/** One refresh at a time per process; a second caller waits for the first and then runs. */
async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  while (running) await running.catch(() => {});
  const p = fn();
  running = p;
  try {
    return await p;
  } finally {
    if (running === p) running = undefined;
  }
}

/** Updates the advisory database (unless offline) and re-matches what changed. */
export function refreshAdvisories(ctx: ServerContext, opts: { update?: boolean } = {}): Promise<RefreshResult> {
  return exclusive(async () => {
    const updated: RefreshResult["updated"] = [];
    let updateError: string | undefined;
    if (opts.update !== false && !ctx.config.offline) {
      const ecosystems = dbStatus(ctx.config.advisoryDb).ecosystems.map((e) => e.ecosystem);
      if (ecosystems.length) {
        try {
          const upd: Parameters<typeof updateDb>[1] = { ecosystems };
          if (ctx.config.dbRepository) upd.repository = ctx.config.dbRepository;
          for (const r of await updateDb(ctx.config.advisoryDb, upd)) updated.push({ ecosystem: r.ecosystem, mode: r.mode, records: r.records });
        } catch (e) {
          // The old database stays; what it holds is still re-matched.
          updateError = (e as Error).message;
          ctx.log.warn(`advisory update failed: ${updateError}`);
        }
      }
    }
    const rematch = await rematchChanged(ctx);
    const out: RefreshResult = { updated, rematch };
    if (updateError) out.updateError = updateError;
    return out;
  });
}

const CHUNK = 200;
/**
 * Images per re-match transaction. On SQLite a batch holds the event loop (better-sqlite3 is
 * synchronous), so batches are smaller there: at 10,000 images a batch of 25 is ~0.25 s of CPU.
 */
const rematchBatch = (dialect: string) => (dialect === "sqlite" ? 25 : 100);

function chunked<T>(rows: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
  return out;
}

/** Finds changed advisory records since the last run and re-matches the packages they name. */
export async function rematchChanged(ctx: ServerContext): Promise<RematchResult> {
  const started = Date.now();
  const adb = AdvisoryDB.open(ctx.config.advisoryDb);
  try {
    const seen = new Map<string, string>();
    for (const r of await ctx.db.selectFrom("advisory_state").select(["record_id", "modified"]).execute()) seen.set(r.record_id, r.modified);
    const current = new Map<string, string>();
    for (const r of adb.recordVersions()) current.set(r.id, r.modified);
    const changed = [...current].filter(([id, m]) => seen.get(id) !== m).map(([id]) => id);
    const removed = [...seen.keys()].filter((id) => !current.has(id));
    const full = seen.size === 0;

    // image digest → package indexes to match again.
    const work = new Map<string, Set<number>>();
    const add = (digest: string, idx: number) => {
      let s = work.get(digest);
      if (!s) work.set(digest, (s = new Set()));
      s.add(idx);
    };
    let pairs = 0;
    if (full) {
      for (const r of await ctx.db.selectFrom("packages").select(["image_digest", "idx"]).execute()) add(r.image_digest, r.idx);
    } else {
      const keys = new Map<string, { ecosystem: string; name: string }>();
      for (const k of adb.lookupKeysOf(changed)) keys.set(`${k.ecosystem}\0${k.name}`, { ecosystem: k.ecosystem, name: k.name });
      pairs = keys.size;
      for (const part of chunked([...keys.values()])) {
        const rows = await ctx.db
          .selectFrom("package_keys")
          .select(["image_digest", "pkg_idx"])
          .where((eb) => eb(eb.refTuple("ecosystem", "name"), "in", part.map((k) => eb.tuple(k.ecosystem, k.name))))
          .execute();
        for (const r of rows) add(r.image_digest, r.pkg_idx);
      }
      // Findings of records that changed or went away: the record may no longer name the package.
      for (const part of chunked([...changed, ...removed])) {
        const rows = await ctx.db.selectFrom("findings").select(["image_digest", "pkg_idx"]).where("advisory_id", "in", part).where("resolved_at", "is", null).execute();
        for (const r of rows) if (r.pkg_idx >= 0) add(r.image_digest, r.pkg_idx);
      }
    }

    let added = 0;
    let resolved = 0;
    let packages = 0;
    const now = ctx.clock();
    const nowIso = now.toISOString();
    const digests = [...work.keys()];
    // Images share most packages (base layers): match each distinct package once. Matching depends
    // only on the package's own fields, the OS and the layer it is attributed to.
    const memo = new Map<string, Vulnerability[]>();
    const matchOne = (pkg: Package, os: Report["artifact"]["os"]): Vulnerability[] => {
      const key = JSON.stringify([os, pkg.purl, pkg.type, pkg.name, pkg.version, pkg.source, pkg.ownedBy ?? null, pkg.metadata ?? null, pkg.locations.find((l) => l.layer)?.layer ?? null]);
      let hit = memo.get(key);
      if (!hit) memo.set(key, (hit = matchPackages([pkg], os, adb, { now })));
      return hit;
    };
    // Batches of images, one transaction each: one read of their inventories, one of their old
    // findings, multi-row writes (applyFindingsBatch). On SQLite a batch holds the event loop for
    // its duration (tens of ms); between batches other requests run.
    const touched = new Set<string>();
    for (const part of chunked(digests, rematchBatch(ctx.dialect))) {
      const inventories = await ctx.db.selectFrom("images").select(["digest", "inventory"]).where("digest", "in", part).execute();
      const items: FindingsUpdate[] = [];
      for (const row of inventories) {
        const inv = JSON.parse(row.inventory) as Report;
        const idxs = [...(work.get(row.digest) ?? [])].filter((i) => i >= 0 && i < inv.packages.length);
        const subset: Package[] = idxs.map((i) => inv.packages[i]!);
        packages += subset.length;
        const vulns = subset.flatMap((pkg) => matchOne(pkg, inv.artifact.os));
        items.push({ digest: row.digest, packages: inv.packages, vulns, scope: new Set(subset.map((p) => p.purl)) });
      }
      await ctx.db.transaction().execute(async (trx) => {
        await lockImages(trx, ctx.dialect, part);
        const r = await applyFindingsBatch(trx, items, nowIso);
        for (const x of r.results) {
          added += x.added;
          resolved += x.resolved;
        }
        for (const p of r.touchedPackages) touched.add(p);
      });
      await new Promise((res) => setImmediate(res));
    }
    // The per-package summary, once for every package whose open findings changed.
    for (const part of chunked([...touched].sort(), 200)) {
      await ctx.db.transaction().execute((trx) => refreshPackageSummary(trx, part));
      await new Promise((res) => setImmediate(res));
    }

    // Remember what was matched; a crash before this line repeats the work (it is idempotent).
    await ctx.db.transaction().execute(async (trx) => {
      for (const part of chunked(removed, 500)) await trx.deleteFrom("advisory_state").where("record_id", "in", part).execute();
      for (const part of chunked(changed, 400)) {
        await trx
          .insertInto("advisory_state")
          .values(part.map((id) => ({ record_id: id, modified: current.get(id)! })))
          .onConflict((oc) => oc.column("record_id").doUpdateSet({ modified: (eb) => eb.ref("excluded.modified") }))
          .execute();
      }
      await trx
        .insertInto("meta")
        .values({ key: "advisories_rematched_at", value: nowIso })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: nowIso }))
        .execute();
    });
    const result: RematchResult = { changedRecords: changed.length + removed.length, pairs, images: work.size, packages, added, resolved, mode: full ? "full" : "incremental", ms: Date.now() - started };
    ctx.log.info(`re-match: ${result.changedRecords} changed records, ${result.pairs} keys, ${result.images} images, +${added}/-${resolved} findings in ${result.ms} ms`);
    return result;
  } finally {
    adb.close();
  }
}

/** Drops nothing, used by tests: how many advisory records the server has seen. */
export async function advisoryStateSize(ctx: ServerContext): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM advisory_state`.execute(ctx.db);
  return Number(r.rows[0]?.n ?? 0);
}
