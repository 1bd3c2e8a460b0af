// The dashboard's queries: one overview answer (counts from the per-image totals the store keeps,
// the rest from grouped queries), an image page, and exports. Same SQL on SQLite and PostgreSQL.
import { sql } from "kysely";
import type { ServerContext } from "../context.js";

type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNKNOWN";
const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
const RANK: Record<string, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };
const HISTORY_DAYS = 30;

async function namesOf(ctx: ServerContext, digests: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < digests.length; i += 500) {
    const rows = await ctx.db.selectFrom("image_names").select(["digest", "name"]).where("digest", "in", digests.slice(i, i + 500)).orderBy("name").execute();
    for (const r of rows) out.set(r.digest, [...(out.get(r.digest) ?? []), r.name]);
  }
  return out;
}

const purlType = (purl: string): string => /^pkg:([^/]+)\//.exec(purl)?.[1] ?? "";

/** Age after which an overview is recomputed (in the background: the stale one is served meanwhile). */
export const OVERVIEW_TTL_MS = 30_000;
function overviewTtl(): number {
  const v = Number(process.env["BULWARK_OVERVIEW_TTL_MS"]);
  return Number.isFinite(v) && v >= 0 && process.env["BULWARK_OVERVIEW_TTL_MS"] !== "" && process.env["BULWARK_OVERVIEW_TTL_MS"] !== undefined ? v : OVERVIEW_TTL_MS;
}
interface Cached { at: number; signal?: string; value?: Overview; pending?: Promise<Overview> }
const cache = new WeakMap<ServerContext, Cached>();
export type Overview = Awaited<ReturnType<typeof computeOverview>>;
/** Even with no visible change (resolutions do not move the signal), recompute this often. */
const MAX_STALE_MS = 5 * 60_000;

/**
 * A cheap fingerprint of the stored data (indexed lookups only): images added or re-seen, new
 * findings. On SQLite the overview's queries run on the event loop, so they are not repeated
 * while nothing changed.
 */
async function changeSignal(ctx: ServerContext): Promise<string> {
  const img = await ctx.db.selectFrom("images").select((eb) => [eb.fn.countAll<string | number>().as("n"), eb.fn.max("last_seen").as("seen")]).executeTakeFirst();
  const f = await ctx.db.selectFrom("findings").select((eb) => eb.fn.max("first_seen").as("first")).executeTakeFirst();
  return `${String(img?.n)}|${String(img?.seen)}|${String(f?.first)}`;
}

/**
 * The overview: its grouped queries read every open finding (seconds for 10,000 images on SQLite,
 * where they block the event loop), so it is served from memory and recomputed in the background
 * when it is older than the TTL and the data changed (or after MAX_STALE_MS). Only the first
 * request after start waits (the background loop warms it at start-up).
 */
export function overview(ctx: ServerContext, maxAgeMs = overviewTtl()): Promise<Overview> {
  let c = cache.get(ctx);
  if (!c) cache.set(ctx, (c = { at: 0 }));
  const entry = c;
  if (!entry.pending && Date.now() - entry.at >= maxAgeMs) {
    entry.pending = (async () => {
      const signal = await changeSignal(ctx);
      if (maxAgeMs > 0 && entry.value && signal === entry.signal && Date.now() - entry.at < MAX_STALE_MS) return entry.value;
      const v = await computeOverview(ctx);
      entry.value = v;
      entry.signal = signal;
      entry.at = Date.now();
      return v;
    })().finally(() => (entry.pending = undefined));
    entry.pending.catch(() => undefined);
  }
  // maxAgeMs 0 (BULWARK_OVERVIEW_TTL_MS=0): always the newest, waiting for it.
  return entry.value && (maxAgeMs > 0 || !entry.pending) ? Promise.resolve(entry.value) : entry.pending!;
}

async function computeOverview(ctx: ServerContext) {
  const today = ctx.clock().toISOString().slice(0, 10);
  // images.counts is stored after the (large) inventory column: reading it for every row would
  // read every inventory on SQLite. Totals come from the findings instead, counts only for the
  // images listed.
  const imageCount = Number((await ctx.db.selectFrom("images").select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirst())?.n ?? 0);
  const open = ctx.db.selectFrom("findings").where("resolved_at", "is", null);
  const totals = await open
    .select((eb) => ["severity", eb.fn.countAll<string | number>().as("n"), eb.fn.count<string | number>("fixed_version").as("fixable")])
    .groupBy("severity")
    .execute();
  const findings: Partial<Record<Severity, number>> = {};
  let fixable = 0;
  for (const t of totals) {
    const s = (SEVERITIES.includes(t.severity as Severity) ? t.severity : "UNKNOWN") as Severity;
    findings[s] = (findings[s] ?? 0) + Number(t.n);
    fixable += Number(t.fixable);
  }

  // Open findings per day: cumulative appearances minus resolutions.
  const start = new Date(Date.parse(`${today}T00:00:00Z`) - (HISTORY_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const day = (col: "first_seen" | "resolved_at") => sql<string>`substr(${sql.ref(col)}, 1, 10)`;
  const opened = await ctx.db.selectFrom("findings").select((eb) => ["severity", day("first_seen").as("d"), eb.fn.countAll<string | number>().as("n")]).groupBy(["severity", day("first_seen")]).execute();
  const closed = await ctx.db.selectFrom("findings").select((eb) => ["severity", day("resolved_at").as("d"), eb.fn.countAll<string | number>().as("n")]).where("resolved_at", "is not", null).groupBy(["severity", day("resolved_at")]).execute();
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); days.length < HISTORY_DAYS; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  const series = Object.fromEntries(SEVERITIES.map((s) => [s, days.map(() => 0)])) as Record<Severity, number[]>;
  const apply = (rows: { severity: string; d: string; n: string | number }[], sign: number) => {
    for (const r of rows) {
      const s = (SEVERITIES.includes(r.severity as Severity) ? r.severity : "UNKNOWN") as Severity;
      days.forEach((d, i) => {
        if (r.d <= d) series[s][i]! += sign * Number(r.n);
      });
    }
  };
  apply(opened, 1);
  apply(closed, -1);

  const worst = sql<number>`max(case ${sql.ref("severity")} when 'CRITICAL' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 when 'LOW' then 1 else 0 end)`;
  const top = await open
    .select((eb) => ["package", eb.fn.min("purl").as("purl"), eb.fn.countAll<string | number>().as("findings"), eb.fn.count<string | number>("image_digest").distinct().as("images"), worst.as("worst")])
    .groupBy("package")
    .orderBy("findings", "desc")
    .orderBy("package")
    .limit(10)
    .execute();

  const eol = await ctx.db.selectFrom("images").select(["digest", "os", "os_eol_date"]).where("os_eol_date", "<", today).orderBy("os_eol_date").orderBy("digest").limit(100).execute();
  const malicious = await open.select(["image_digest", "package", "version", "vuln_id"]).where((eb) => eb.or([eb("advisory_id", "like", "MAL-%"), eb("vuln_id", "like", "MAL-%")])).limit(100).execute();
  const recent = await ctx.db.selectFrom("images").select(["digest", "last_seen", "counts"]).orderBy("last_seen", "desc").orderBy("digest").limit(50).execute();
  const names = await namesOf(ctx, [...new Set([...eol.map((i) => i.digest), ...malicious.map((m) => m.image_digest), ...recent.map((i) => i.digest)])]);
  const rev = Object.fromEntries(Object.entries(RANK).map(([k, v]) => [v, k])) as Record<number, Severity>;
  return {
    images: imageCount,
    findings,
    fixable,
    history: { days, series },
    topPackages: top.map((t) => ({ name: t.package, type: purlType(String(t.purl ?? "")), images: Number(t.images), findings: Number(t.findings), worst: rev[Number(t.worst)] ?? "UNKNOWN" })),
    eolImages: eol.map((i) => {
      const os = i.os ? (JSON.parse(i.os) as { prettyName?: string; family: string; version: string }) : undefined;
      return { digest: i.digest, names: names.get(i.digest) ?? [], os: os?.prettyName ?? `${os?.family ?? "?"} ${os?.version ?? ""}`.trim(), eolDate: i.os_eol_date! };
    }),
    malicious: malicious.map((m) => ({ digest: m.image_digest, names: names.get(m.image_digest) ?? [], package: m.package, version: m.version, id: m.vuln_id })),
    images_list: recent.map((i) => {
      const c = JSON.parse(i.counts) as Record<string, number>;
      return { digest: i.digest, names: names.get(i.digest) ?? [], lastSeen: i.last_seen, counts: Object.fromEntries(SEVERITIES.map((s) => [s, c[s.toLowerCase()] ?? 0])) };
    }),
  };
}

export async function imageDetail(ctx: ServerContext, digest: string) {
  const img = await ctx.db.selectFrom("images").selectAll().where("digest", "=", digest).executeTakeFirst();
  if (!img) return undefined;
  const [names, layers, packages, findings] = await Promise.all([
    namesOf(ctx, [digest]),
    ctx.db.selectFrom("image_layers").selectAll().where("digest", "=", digest).orderBy("idx").execute(),
    ctx.db.selectFrom("packages").select(["name", "version", "type", "purl", "layer"]).where("image_digest", "=", digest).orderBy("name").execute(),
    ctx.db.selectFrom("findings").select(["vuln_id", "package", "version", "fixed_version", "severity", "layer", "first_seen", "data"]).where("image_digest", "=", digest).where("resolved_at", "is", null).execute(),
  ]);
  const layerIndex = new Map<string, number>();
  for (const l of layers) {
    layerIndex.set(l.layer_digest, Number(l.idx) + 1);
    if (l.diff_id) layerIndex.set(l.diff_id, Number(l.idx) + 1);
  }
  const os = img.os ? (JSON.parse(img.os) as { prettyName?: string; family: string; version: string; eol?: { date: string; eol: boolean } }) : undefined;
  const today = ctx.clock().toISOString().slice(0, 10);
  return {
    digest,
    names: names.get(digest) ?? [],
    ...(img.platform ? { platform: img.platform } : {}),
    ...(os ? { os: os.prettyName ?? `${os.family} ${os.version}` } : {}),
    ...(img.os_eol_date ? { eol: { date: img.os_eol_date, eol: img.os_eol_date < today } } : {}),
    firstSeen: img.first_seen,
    lastSeen: img.last_seen,
    layers: layers.map((l) => ({
      index: Number(l.idx) + 1, digest: l.layer_digest, ...(l.created_by ? { createdBy: l.created_by } : {}), ...(l.size !== null ? { size: Number(l.size) } : {}),
      packages: packages.filter((p) => p.layer === l.layer_digest || (l.diff_id && p.layer === l.diff_id)).map((p) => `${p.name} ${p.version}`),
    })),
    packages: packages.map((p) => ({ name: p.name, version: p.version, type: p.type, purl: p.purl, ...(p.layer && layerIndex.has(p.layer) ? { layer: layerIndex.get(p.layer) } : {}) })),
    findings: findings
      .map((f) => {
        let title: string | undefined;
        try {
          title = (JSON.parse(f.data) as { title?: string }).title;
        } catch {
          // No data.
        }
        return {
          id: f.vuln_id, package: f.package, version: f.version, ...(f.fixed_version ? { fixedVersion: f.fixed_version } : {}), severity: f.severity, ...(title ? { title } : {}),
          ...(f.layer && layerIndex.has(f.layer) ? { layer: layerIndex.get(f.layer) } : {}), firstSeen: f.first_seen,
        };
      })
      .sort((a, b) => (RANK[b.severity] ?? 0) - (RANK[a.severity] ?? 0) || a.id.localeCompare(b.id)),
  };
}
