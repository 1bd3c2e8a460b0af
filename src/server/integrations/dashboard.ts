// The dashboard's queries: one overview answer (from the summary tables the store keeps), an
// image page, and exports. Same SQL on SQLite and PostgreSQL.
import type { ServerContext } from "../context.js";
import { resolveFindingData } from "../finding-data.js";

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

/**
 * The fleet overview, from the summary tables the findings writes keep (migration 0600_speed:
 * image_summary, package_summary, finding_daily) and indexed reads of a few rows (end-of-life
 * images, malicious findings, recent images): a few ms at 10,000 images, so it is computed per
 * request. The optional age argument is accepted for callers of the former cached version.
 */
export function overview(ctx: ServerContext, _maxAgeMs?: number): Promise<Overview> {
  return computeOverview(ctx);
}
export type Overview = Awaited<ReturnType<typeof computeOverview>>;

async function computeOverview(ctx: ServerContext) {
  const today = ctx.clock().toISOString().slice(0, 10);
  const imageCount = Number((await ctx.db.selectFrom("images").select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirst())?.n ?? 0);
  const t = await ctx.db
    .selectFrom("image_summary")
    .select((eb) => [
      eb.fn.sum<string | number | null>("critical").as("CRITICAL"), eb.fn.sum<string | number | null>("high").as("HIGH"), eb.fn.sum<string | number | null>("medium").as("MEDIUM"),
      eb.fn.sum<string | number | null>("low").as("LOW"), eb.fn.sum<string | number | null>("unknown").as("UNKNOWN"), eb.fn.sum<string | number | null>("fixable").as("fixable"),
    ])
    .executeTakeFirst();
  const findings: Partial<Record<Severity, number>> = {};
  for (const s of SEVERITIES) {
    const n = Number(t?.[s] ?? 0);
    if (n > 0) findings[s] = n;
  }
  const fixable = Number(t?.fixable ?? 0);

  // Open findings per day: cumulative openings minus closings (finding_daily, one row per day and severity).
  const start = new Date(Date.parse(`${today}T00:00:00Z`) - (HISTORY_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const daily = await ctx.db.selectFrom("finding_daily").select(["day", "severity", "opened", "closed"]).execute();
  const days: string[] = [];
  for (let ts = Date.parse(`${start}T00:00:00Z`); days.length < HISTORY_DAYS; ts += 86_400_000) days.push(new Date(ts).toISOString().slice(0, 10));
  const series = Object.fromEntries(SEVERITIES.map((s) => [s, days.map(() => 0)])) as Record<Severity, number[]>;
  for (const r of daily) {
    const s = (SEVERITIES.includes(r.severity as Severity) ? r.severity : "UNKNOWN") as Severity;
    const delta = Number(r.opened) - Number(r.closed);
    days.forEach((d, i) => {
      if (r.day <= d) series[s][i]! += delta;
    });
  }

  const top = await ctx.db.selectFrom("package_summary").select(["package", "purl", "findings", "images", "worst"]).orderBy("findings", "desc").orderBy("package").limit(10).execute();

  const eol = await ctx.db.selectFrom("images").select(["digest", "os", "os_eol_date"]).where("os_eol_date", "<", today).orderBy("os_eol_date").orderBy("digest").limit(100).execute();
  // MAL- ids as index ranges (LIKE would not use the indexes on both databases).
  const mal = (col: "advisory_id" | "vuln_id") =>
    ctx.db.selectFrom("findings").select(["image_digest", "package", "version", "vuln_id", "purl"]).where("resolved_at", "is", null).where(col, ">=", "MAL-").where(col, "<", "MAL.").orderBy(col).limit(100).execute();
  const malSeen = new Set<string>();
  const malicious = [...(await mal("advisory_id")), ...(await mal("vuln_id"))]
    .filter((m) => {
      const k = `${m.image_digest}\0${m.vuln_id}\0${m.purl}`;
      return malSeen.has(k) ? false : (malSeen.add(k), true);
    })
    .slice(0, 100);
  const recent = await ctx.db
    .selectFrom("images")
    .leftJoin("image_summary as s", "s.digest", "images.digest")
    .select(["images.digest", "last_seen", "s.critical", "s.high", "s.medium", "s.low", "s.unknown"])
    .orderBy("last_seen", "desc")
    .orderBy("images.digest")
    .limit(50)
    .execute();
  const names = await namesOf(ctx, [...new Set([...eol.map((i) => i.digest), ...malicious.map((m) => m.image_digest), ...recent.map((i) => i.digest)])]);
  const rev = Object.fromEntries(Object.entries(RANK).map(([k, v]) => [v, k])) as Record<number, Severity>;
  return {
    images: imageCount,
    findings,
    fixable,
    history: { days, series },
    topPackages: top.map((p) => ({ name: p.package, type: purlType(p.purl), images: Number(p.images), findings: Number(p.findings), worst: rev[Number(p.worst)] ?? "UNKNOWN" })),
    eolImages: eol.map((i) => {
      const os = i.os ? (JSON.parse(i.os) as { prettyName?: string; family: string; version: string }) : undefined;
      return { digest: i.digest, names: names.get(i.digest) ?? [], os: os?.prettyName ?? `${os?.family ?? "?"} ${os?.version ?? ""}`.trim(), eolDate: i.os_eol_date! };
    }),
    malicious: malicious.map((m) => ({ digest: m.image_digest, names: names.get(m.image_digest) ?? [], package: m.package, version: m.version, id: m.vuln_id })),
    images_list: recent.map((i) => ({ digest: i.digest, names: names.get(i.digest) ?? [], lastSeen: i.last_seen, counts: { CRITICAL: Number(i.critical ?? 0), HIGH: Number(i.high ?? 0), MEDIUM: Number(i.medium ?? 0), LOW: Number(i.low ?? 0), UNKNOWN: Number(i.unknown ?? 0) } })),
  };
}

export async function imageDetail(ctx: ServerContext, digest: string) {
  const img = await ctx.db.selectFrom("images").selectAll().where("digest", "=", digest).executeTakeFirst();
  if (!img) return undefined;
  const [names, layers, packages, findings] = await Promise.all([
    namesOf(ctx, [digest]),
    ctx.db.selectFrom("image_layers").selectAll().where("digest", "=", digest).orderBy("idx").execute(),
    ctx.db.selectFrom("packages").select(["name", "version", "type", "purl", "layer"]).where("image_digest", "=", digest).orderBy("name").execute(),
    ctx.db.selectFrom("findings").select(["vuln_id", "package", "version", "fixed_version", "severity", "layer", "first_seen", "data"]).where("image_digest", "=", digest).where("resolved_at", "is", null).execute().then((rows) => resolveFindingData(ctx.db, rows)),
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
