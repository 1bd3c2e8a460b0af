// Queries over stored images: by CVE, by package (and version or range), by severity, by OS end
// of life, by age of the oldest open critical; one image's details, packages, findings, history;
// SBOM and VEX exports of a stored image.
import { sql } from "kysely";
import { compareVersions, getWriter, type Report } from "../../index.js";
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";
import { openVulnerabilities } from "../finding-data.js";
import { AnswerCache } from "../cache.js";
import { inTurn, waitTurn } from "../turns.js";
import { rowReader } from "../db/connect.js";
import { SEVERITIES } from "../store.js";

const DIGEST = { type: "string", pattern: "^(local:)?sha256:[a-f0-9]{64}$", maxLength: 80 } as const;
const FINDING = {
  type: "object",
  properties: {
    id: { type: "string" }, package: { type: "string" }, version: { type: "string" }, fixedVersion: { type: ["string", "null"] }, layer: { type: ["string", "null"] },
    severity: { type: "string" }, purl: { type: "string" }, advisory: { type: "string" }, firstSeen: { type: "string" }, resolvedAt: { type: ["string", "null"] },
  },
} as const;
const COUNTS = { type: "object", additionalProperties: { type: "integer" } } as const;
const IMAGE_SUMMARY = {
  type: "object",
  properties: {
    digest: { type: "string" }, names: { type: "array", items: { type: "string" } }, registry: { type: ["string", "null"] }, repository: { type: ["string", "null"] },
    platform: { type: ["string", "null"] }, os: { type: ["string", "null"] }, osEolDate: { type: ["string", "null"] }, osEol: { type: "boolean" },
    firstSeen: { type: "string" }, lastSeen: { type: "string" }, counts: COUNTS, oldestOpenCritical: { type: ["string", "null"] },
    findings: { type: "array", items: FINDING },
    packages: { type: "array", items: { type: "object", properties: { name: { type: "string" }, version: { type: "string" }, purl: { type: "string" }, type: { type: "string" }, layer: { type: ["string", "null"] } } } },
  },
} as const;

interface FindingRow {
  vuln_id: string;
  package: string;
  version: string;
  fixed_version: string | null;
  layer: string | null;
  severity: string;
  purl: string;
  advisory_id: string;
  first_seen: string;
  resolved_at: string | null;
}
/** The API's finding fields, in order, and the findings columns they come from. */
const FINDING_FIELDS = [
  ["id", "vuln_id"], ["package", "package"], ["version", "version"], ["fixedVersion", "fixed_version"], ["layer", "layer"],
  ["severity", "severity"], ["purl", "purl"], ["advisory", "advisory_id"], ["firstSeen", "first_seen"], ["resolvedAt", "resolved_at"],
] as const satisfies readonly (readonly [string, keyof FindingRow])[];
const findingOut = (f: FindingRow) => Object.fromEntries(FINDING_FIELDS.map(([field, column]) => [field, f[column]]));

/** `V` (exact), or comma-separated constraints `>=A,<B` (ecosystem comparators). */
function versionFilter(spec: string | undefined): ((ecosystem: string, v: string) => boolean) | undefined {
  if (spec === undefined) return undefined;
  const parts = spec.split(",").map((s) => s.trim()).filter(Boolean);
  const ops = parts.map((p) => /^(>=|<=|>|<|=|==)?\s*(.+)$/.exec(p)!);
  if (ops.length === 1 && !ops[0]![1]) return (_e, v) => v === spec;
  return (eco, v) =>
    ops.every(([, op, want]) => {
      let c: number;
      try {
        c = compareVersions(eco, v, want!);
      } catch {
        return false;
      }
      switch (op) {
        case ">=": return c >= 0;
        case "<=": return c <= 0;
        case ">": return c > 0;
        case "<": return c < 0;
        default: return c === 0;
      }
    });
}

export const imageRoutes: RoutePlugin = (app, ctx) => {
  /**
   * One page of `?cve=`: open findings in digest order after the cursor, read as two ranges of the
   * partial indexes (by id, findings_open_vuln, and by advisory id, findings_open_advisory; for a
   * CVE the second is empty), merged here; then the page's names. Each range reads only about the
   * rows the page needs (no sort, no union of the whole ranges): a range that fills its limit may
   * have cut its last image short, so only images before the earliest such cut are taken, and the
   * next read goes on from there (sized from the rows per image seen so far).
   * The hot path of the fleet API: rows are read as arrays (rowReader: no row objects, no query
   * builder; on SQLite from a read-only connection that does not wait behind a re-match's write
   * transaction), and each finding's JSON is built by the database, so the answer is assembled
   * from strings.
   */
  // At most 16 MB of answers (a page of 100 images is ~40 KB): enough for the repeated and the
  // identical concurrent questions it is for, without keeping every answer of a load of distinct ones.
  const cveCache = new AnswerCache<string>(2_000, 2_000, false, { max: 16 * 2 ** 20, of: (body) => body.length });
  const read = rowReader(ctx.db);
  // Each finding as the API's JSON object (findingOut's fields, in its order), built by the database.
  const findingArgs = FINDING_FIELDS.map(([field, column]) => `'${field}', f.${column}`).join(", ");
  const findingJson = ctx.dialect === "postgres" ? `json_build_object(${findingArgs})::text` : `json_object(${findingArgs})`;
  // Each finding's image names as a JSON array (in name order), also built by the database.
  const namesJson =
    ctx.dialect === "postgres"
      ? "(SELECT coalesce(json_agg(n.name ORDER BY n.name), '[]'::json) FROM image_names n WHERE n.digest = f.image_digest)::text"
      : "(SELECT json_group_array(name) FROM (SELECT n.name FROM image_names n WHERE n.digest = f.image_digest ORDER BY n.name))";
  /** [range (1: by id, 2: by advisory id), image_digest, vuln_id, purl, finding JSON, names JSON] */
  type CveRow = [number, string, string, string, string, string];
  const rangeSql = (range: 1 | 2, column: "vuln_id" | "advisory_id", after: boolean): string =>
    `SELECT ${range} AS range_no, f.image_digest, f.vuln_id, f.purl, ${findingJson} AS finding, ${namesJson} AS names FROM findings f WHERE f.${column} = ? AND f.resolved_at IS NULL${after ? " AND f.image_digest > ?" : ""} ORDER BY f.image_digest, f.purl LIMIT ?`;
  // Both ranges in one statement: one round trip per read on PostgreSQL.
  const pageSql = (after: boolean): string => `SELECT * FROM (${rangeSql(1, "vuln_id", after)}) by_id UNION ALL SELECT * FROM (${rangeSql(2, "advisory_id", after)}) by_advisory`;
  const PAGE = [pageSql(false), pageSql(true)] as const;
  const cveRanges = async (cve: string, after: string | undefined, n: number): Promise<CveRow[]> =>
    (await read(PAGE[after === undefined ? 0 : 1], after === undefined ? [cve, n, cve, n] : [cve, after, n, cve, after, n])) as CveRow[];
  /** Names of each digest, in name order (the image lists; the CVE query reads them per row). */
  const namesOf = async (digests: string[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>(digests.map((d) => [d, []]));
    for (let i = 0; i < digests.length; i += 500) {
      const rows = await ctx.db.selectFrom("image_names").select(["digest", "name"]).where("digest", "in", digests.slice(i, i + 500)).orderBy("name").execute();
      for (const r of rows) out.get(r.digest)?.push(r.name);
    }
    return out;
  };
  const cveAnswer = async (cve: string, limit: number, offset: number, cursor: string | undefined): Promise<string> => {
    const want = offset + limit + 1;
    const all: string[] = [];
    const by = new Map<string, CveRow[]>();
    let rowsRead = 0;
    let after = cursor;
    let n = want + 8;
    for (;;) {
      const rows = await cveRanges(cve, after, n);
      // Images at or past a range's cut may be incomplete in it: taken by the next read. A range
      // that filled its limit was cut at its last (greatest) digest.
      const count = [0, 0, 0];
      const last = ["", "", ""];
      for (const r of rows) {
        count[r[0]]!++;
        if (r[1] > last[r[0]]!) last[r[0]] = r[1];
      }
      const cuts = [1, 2].filter((k) => count[k] === n).map((k) => last[k]!);
      const frontier = cuts.length ? cuts.sort()[0]! : undefined;
      const batch = new Map<string, Map<string, CveRow>>();
      for (const r of rows) {
        if (frontier !== undefined && r[1] >= frontier) continue;
        let m = batch.get(r[1]);
        if (!m) batch.set(r[1], (m = new Map()));
        // A finding in both ranges (its id is its advisory id) once.
        m.set(`${r[2]}\0${r[3]}`, r);
      }
      for (const d of [...batch.keys()].sort()) {
        all.push(d);
        by.set(d, [...batch.get(d)!.values()].sort((x, y) => (x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0)));
        rowsRead += batch.get(d)!.size;
      }
      if (frontier === undefined || all.length >= want) break;
      if (batch.size) after = all.at(-1)!;
      // Rows for the images still wanted, at the rows per image seen so far (or twice as many
      // when one image filled the whole read).
      n = batch.size ? Math.max(16, Math.ceil(((want - all.length) * rowsRead) / all.length) + 8) : n * 2;
    }
    const digests = all.slice(offset, offset + limit);
    const more = all.length > offset + limit;
    if (!digests.length) return '{"images":[]}';
    const images = digests.map((d) => {
      const rows = by.get(d)!;
      return `{"digest":${JSON.stringify(d)},"names":${rows[0]![5]},"findings":[${rows.map((r) => r[4]).join(",")}]}`;
    });
    return `{"images":[${images.join(",")}]${more ? `,"nextCursor":${JSON.stringify(digests.at(-1)!)}` : ""}}`;
  };

  app.get<{ Querystring: { cve?: string; package?: string; version?: string; severity?: string; eol?: boolean; sort?: string; limit: number; offset: number; cursor?: string } }>(
    "/api/v1/images",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Images affected by a CVE (?cve=ID), containing a package (?package=NAME[&version=V or >=A,<B]), or all images filtered by severity / end-of-life OS, sorted by the age of their oldest open critical",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            cve: { type: "string", minLength: 1, maxLength: 200 },
            package: { type: "string", minLength: 1, maxLength: 512 },
            version: { type: "string", minLength: 1, maxLength: 512 },
            severity: { type: "string", enum: SEVERITIES as unknown as string[], description: "images with an open finding of this severity or higher" },
            eol: { type: "boolean", description: "true: only images whose OS is past its end of life" },
            sort: { type: "string", enum: ["last-seen", "critical-age", "digest"], default: "last-seen" },
            limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
            offset: { type: "integer", minimum: 0, maximum: 10_000_000, default: 0 },
            cursor: { ...DIGEST, description: "with cve or package: the nextCursor of the previous page (images after this digest)" },
          },
        },
        response: { 200: { type: "object", required: ["images"], properties: { images: { type: "array", items: IMAGE_SUMMARY }, nextCursor: { type: "string", description: "present when more images follow: pass it as cursor" } } }, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const q = req.query;
      if (q.cve !== undefined && q.package !== undefined) throw new HttpError(400, "INVALID_REQUEST", "give cve or package, not both");
      if (q.version !== undefined && q.package === undefined) throw new HttpError(400, "INVALID_REQUEST", "version needs package");
      if (q.cursor !== undefined && q.cve === undefined && q.package === undefined) throw new HttpError(400, "INVALID_REQUEST", "cursor needs cve or package (other lists page with offset)");
      if (q.cve !== undefined) {
        // Answered from a short-lived cache (the data generation bumps on every findings write;
        // identical concurrent requests share one computation), pre-serialised.
        const key = JSON.stringify([q.cve, q.limit, q.offset, q.cursor ?? null]);
        const body = await cveCache.get(key, () => inTurn(() => cveAnswer(q.cve!, q.limit, q.offset, q.cursor)));
        return reply.type("application/json; charset=utf-8").send(body);
      }
      if (q.package !== undefined) {
        // Package rows in digest order (index packages_name_digest), read in slices until the page
        // (after the cursor) is full: the version filter runs here, with the ecosystem's comparator.
        // In turn with the other heavy queries (turns.ts).
        await waitTurn();
        type PkgRow = { image_digest: string; idx: number; name: string; version: string; purl: string; type: string; layer: string | null; ecosystem: string | null };
        const match = versionFilter(q.version);
        const by = new Map<string, PkgRow[]>();
        const want = q.offset + q.limit + 1;
        let after = q.cursor;
        for (let slices = 0; by.size < want && slices < 200; slices++) {
          let sel = ctx.db
            .selectFrom("packages as p")
            .leftJoin("package_keys as k", (j) => j.onRef("k.image_digest", "=", "p.image_digest").onRef("k.pkg_idx", "=", "p.idx"))
            .select(["p.image_digest", "p.idx", "p.name", "p.version", "p.purl", "p.type", "p.layer", "k.ecosystem"])
            .where("p.name", "=", q.package);
          if (after !== undefined) sel = sel.where("p.image_digest", ">", after);
          // Whole images per slice: the slice ends at an image boundary (rows of its last image are re-read by the next one).
          const rows = await sel.orderBy("p.image_digest").orderBy("p.idx").limit(2000).execute();
          if (!rows.length) break;
          const last = rows.at(-1)!.image_digest;
          const complete = rows.length < 2000 ? rows : rows.filter((r) => r.image_digest !== last);
          if (!complete.length) {
            // One image with 2,000+ rows of this name: take what was read.
            complete.push(...rows);
          }
          for (const r of complete) {
            if (match && !match(r.ecosystem ?? r.type, r.version)) continue;
            const list = by.get(r.image_digest) ?? by.set(r.image_digest, []).get(r.image_digest)!;
            if (!list.some((x) => x.idx === r.idx)) list.push(r);
          }
          if (rows.length < 2000) break;
          after = complete.at(-1)!.image_digest;
        }
        const ordered = [...by.keys()];
        const digests = ordered.slice(q.offset, q.offset + q.limit);
        const more = ordered.length > q.offset + q.limit;
        const names = await namesOf(digests);
        const findings = digests.length
          ? await ctx.db
              .selectFrom("findings")
              .select(["image_digest", "pkg_idx", "vuln_id", "package", "version", "fixed_version", "layer", "severity", "purl", "advisory_id", "first_seen", "resolved_at"])
              .where("image_digest", "in", digests)
              .where("package", "=", q.package)
              .where("resolved_at", "is", null)
              .execute()
          : [];
        return {
          images: digests.map((d) => {
            const pkgs = by.get(d)!;
            const idxs = new Set(pkgs.map((p) => p.idx));
            return {
              digest: d, names: names.get(d) ?? [],
              packages: pkgs.map((p) => ({ name: p.name, version: p.version, purl: p.purl, type: p.type, layer: p.layer })),
              findings: findings.filter((f) => f.image_digest === d && idxs.has(f.pkg_idx)).map(findingOut),
            };
          }),
          ...(more && digests.length ? { nextCursor: digests.at(-1)! } : {}),
        };
      }
      // Counts from image_summary (kept by every findings write), never from the findings.
      let sel = ctx.db
        .selectFrom("images")
        .leftJoin("image_summary as s", "s.digest", "images.digest")
        .select(["images.digest", "registry", "repository", "platform", "os", "os_eol_date", "first_seen", "last_seen", "s.critical", "s.high", "s.medium", "s.low", "s.unknown", "s.oldest_open_critical"]);
      const now = ctx.clock().toISOString().slice(0, 10);
      if (q.eol === true) sel = sel.where("os_eol_date", "<", now);
      if (q.eol === false) sel = sel.where((eb) => eb.or([eb("os_eol_date", "is", null), eb("os_eol_date", ">=", now)]));
      if (q.severity) {
        const want = SEVERITIES.slice(0, SEVERITIES.indexOf(q.severity as (typeof SEVERITIES)[number]) + 1);
        const col = { CRITICAL: "s.critical", HIGH: "s.high", MEDIUM: "s.medium", LOW: "s.low", UNKNOWN: "s.unknown" } as const;
        sel = sel.where((eb) => eb.or(want.map((w) => eb(col[w], ">", 0))));
      }
      if (q.sort === "critical-age") sel = sel.where("s.oldest_open_critical", "is not", null).orderBy("s.oldest_open_critical").orderBy("images.digest");
      else if (q.sort === "digest") sel = sel.orderBy("images.digest");
      else sel = sel.orderBy("last_seen", "desc").orderBy("images.digest");
      const rows = await sel.limit(q.limit).offset(q.offset).execute();
      const names = await namesOf(rows.map((r) => r.digest));
      return {
        images: rows.map((r) => ({
          digest: r.digest, names: names.get(r.digest) ?? [], registry: r.registry, repository: r.repository, platform: r.platform, os: r.os ? osLabel(r.os) : null,
          osEolDate: r.os_eol_date, osEol: r.os_eol_date !== null && r.os_eol_date < now, firstSeen: r.first_seen, lastSeen: r.last_seen,
          counts: countsOf(r), oldestOpenCritical: r.oldest_open_critical ?? null,
        })),
      };
    },
  );

  const loadImage = async (digest: string) => {
    const row = await ctx.db.selectFrom("images").selectAll().where("digest", "=", digest).executeTakeFirst();
    if (!row) throw new HttpError(404, "NOT_FOUND", "no such image");
    return row;
  };
  const digestParams = { type: "object", required: ["digest"], additionalProperties: false, properties: { digest: DIGEST } } as const;

  app.get<{ Params: { digest: string } }>(
    "/api/v1/images/:digest",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "One stored image: names, OS, layers, counts",
        params: digestParams,
        response: {
          200: {
            type: "object",
            properties: {
              ...IMAGE_SUMMARY.properties,
              layers: { type: "array", items: { type: "object", properties: { digest: { type: "string" }, diffId: { type: ["string", "null"] }, size: { type: ["number", "null"] }, createdBy: { type: ["string", "null"] }, packages: { type: "integer" } } } },
              packageCount: { type: "integer" },
            },
          },
          404: ERROR_SCHEMA,
        },
      },
    },
    async (req) => {
      const r = await loadImage(req.params.digest);
      const summary = await ctx.db.selectFrom("image_summary").selectAll().where("digest", "=", r.digest).executeTakeFirst();
      const names = await namesOf([r.digest]);
      const layers = await ctx.db.selectFrom("image_layers").selectAll().where("digest", "=", r.digest).orderBy("idx").execute();
      const perLayer = await ctx.db.selectFrom("packages").select(["layer", (eb) => eb.fn.countAll<string | number>().as("n")]).where("image_digest", "=", r.digest).groupBy("layer").execute();
      const count = new Map(perLayer.map((p) => [p.layer, Number(p.n)]));
      const now = ctx.clock().toISOString().slice(0, 10);
      return {
        digest: r.digest, names: names.get(r.digest) ?? [], registry: r.registry, repository: r.repository, platform: r.platform, os: r.os ? osLabel(r.os) : null,
        osEolDate: r.os_eol_date, osEol: r.os_eol_date !== null && r.os_eol_date < now, firstSeen: r.first_seen, lastSeen: r.last_seen,
        counts: summary ? countsOf(summary) : {}, oldestOpenCritical: summary?.oldest_open_critical ?? null,
        layers: layers.map((l) => ({ digest: l.layer_digest, diffId: l.diff_id, size: l.size === null ? null : Number(l.size), createdBy: l.created_by, packages: count.get(l.layer_digest) ?? 0 })),
        packageCount: [...count.values()].reduce((a, b) => a + b, 0),
      };
    },
  );

  app.get<{ Params: { digest: string }; Querystring: { q?: string; limit: number; offset: number } }>(
    "/api/v1/images/:digest/packages",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Packages of a stored image (optionally searched by name)",
        params: digestParams,
        querystring: { type: "object", additionalProperties: false, properties: { q: { type: "string", maxLength: 200 }, limit: { type: "integer", minimum: 1, maximum: 10000, default: 1000 }, offset: { type: "integer", minimum: 0, default: 0 } } },
        response: { 200: { type: "object", properties: { packages: IMAGE_SUMMARY.properties.packages } }, 404: ERROR_SCHEMA },
      },
    },
    async (req) => {
      await loadImage(req.params.digest);
      let sel = ctx.db.selectFrom("packages").select(["name", "version", "purl", "type", "layer"]).where("image_digest", "=", req.params.digest);
      // LIKE with the wildcards escaped: the search text is data, never a pattern.
      if (req.query.q) {
        const pattern = `%${req.query.q.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
        sel = sel.where(sql<boolean>`lower(name) LIKE ${pattern} ESCAPE '\\'`);
      }
      const rows = await sel.orderBy("name").orderBy("idx").limit(req.query.limit).offset(req.query.offset).execute();
      return { packages: rows };
    },
  );

  app.get<{ Params: { digest: string }; Querystring: { status: string } }>(
    "/api/v1/images/:digest/findings",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Findings of a stored image (open by default; all = with resolved ones)",
        params: digestParams,
        querystring: { type: "object", additionalProperties: false, properties: { status: { type: "string", enum: ["open", "all"], default: "open" } } },
        response: { 200: { type: "object", properties: { findings: { type: "array", items: FINDING } } }, 404: ERROR_SCHEMA },
      },
    },
    async (req) => {
      await loadImage(req.params.digest);
      let sel = ctx.db.selectFrom("findings").select(["vuln_id", "package", "version", "fixed_version", "layer", "severity", "purl", "advisory_id", "first_seen", "resolved_at"]).where("image_digest", "=", req.params.digest);
      if (req.query.status !== "all") sel = sel.where("resolved_at", "is", null);
      return { findings: (await sel.orderBy("vuln_id").orderBy("purl").execute()).map(findingOut) };
    },
  );

  app.get<{ Params: { digest: string } }>(
    "/api/v1/images/:digest/history",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Findings over time: each finding's appearance and resolution, and scans of the image",
        params: digestParams,
        response: {
          200: {
            type: "object",
            properties: {
              events: { type: "array", items: { type: "object", properties: { at: { type: "string" }, event: { type: "string", enum: ["found", "resolved"] }, id: { type: "string" }, package: { type: "string" }, severity: { type: "string" } } } },
              scans: { type: "array", items: { type: "object", properties: { id: { type: "string" }, at: { type: ["string", "null"] }, source: { type: "string" }, status: { type: "string" } } } },
            },
          },
          404: ERROR_SCHEMA,
        },
      },
    },
    async (req) => {
      await loadImage(req.params.digest);
      const rows = await ctx.db.selectFrom("findings").select(["vuln_id", "package", "severity", "first_seen", "resolved_at"]).where("image_digest", "=", req.params.digest).execute();
      const events: { at: string; event: "found" | "resolved"; id: string; package: string; severity: string }[] = [];
      for (const r of rows) {
        events.push({ at: r.first_seen, event: "found", id: r.vuln_id, package: r.package, severity: r.severity });
        if (r.resolved_at) events.push({ at: r.resolved_at, event: "resolved", id: r.vuln_id, package: r.package, severity: r.severity });
      }
      events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
      const scans = await ctx.db.selectFrom("scans").select(["id", "finished_at", "source", "status"]).where("digest", "=", req.params.digest).orderBy("created_at").execute();
      return { events, scans: scans.map((s) => ({ id: s.id, at: s.finished_at, source: s.source, status: s.status })) };
    },
  );

  const storedReport = async (digest: string, withFindings: boolean): Promise<Report> => {
    const r = await loadImage(digest);
    const report = JSON.parse(r.inventory) as Report;
    if (withFindings) report.vulnerabilities = await openVulnerabilities(ctx.db, digest);
    return report;
  };

  app.get<{ Params: { digest: string }; Querystring: { format: string } }>(
    "/api/v1/images/:digest/sbom",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "SBOM of a stored image (CycloneDX or SPDX JSON, from the stored inventory; per-package file lists are not stored)",
        params: digestParams,
        querystring: { type: "object", additionalProperties: false, properties: { format: { type: "string", enum: ["cyclonedx-json", "spdx-json", "json"], default: "cyclonedx-json" } } },
        response: { 404: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const report = await storedReport(req.params.digest, false);
      const body = await getWriter(req.query.format).write(report, { color: false });
      const type = req.query.format === "cyclonedx-json" ? "application/vnd.cyclonedx+json" : req.query.format === "spdx-json" ? "application/spdx+json" : "application/json";
      return reply.type(type).send(body);
    },
  );

  app.get<{ Params: { digest: string }; Querystring: { format: string } }>(
    "/api/v1/images/:digest/vex",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "VEX of a stored image's open findings: OpenVEX (status affected) or a CycloneDX BOM with vulnerabilities",
        params: digestParams,
        querystring: { type: "object", additionalProperties: false, properties: { format: { type: "string", enum: ["openvex", "cyclonedx-json"], default: "openvex" } } },
        response: { 404: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const report = await storedReport(req.params.digest, true);
      if (req.query.format === "cyclonedx-json") return reply.type("application/vnd.cyclonedx+json").send(await getWriter("cyclonedx-json").write(report, { color: false }));
      const product = report.artifact.names?.[0] ? `${report.artifact.names[0].replace(/[:@].*$/, "")}@${req.params.digest}` : req.params.digest;
      const doc = {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": `urn:bulwark:vex:${req.params.digest}:${ctx.clock().toISOString()}`,
        author: "Bulwark server",
        timestamp: ctx.clock().toISOString(),
        version: 1,
        statements: report.vulnerabilities.map((v) => ({
          vulnerability: { name: v.id, ...(v.aliases.length ? { aliases: v.aliases } : {}) },
          products: [{ "@id": product, subcomponents: [{ "@id": v.package.purl }] }],
          status: "affected",
          action_statement: v.fixedVersions.length ? `Update ${v.package.name} to ${v.fixedVersions[0]} or later` : "No fixed version is known yet",
        })),
      };
      return reply.type("application/json").send(JSON.stringify(doc, null, 2) + "\n");
    },
  );
};

/** `{critical, high, ...}` with the non-zero severities of an image_summary row. */
export function countsOf(s: { critical: number | null; high: number | null; medium: number | null; low: number | null; unknown: number | null }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ["critical", "high", "medium", "low", "unknown"] as const) if (Number(s[k] ?? 0) > 0) out[k] = Number(s[k]);
  return out;
}

function osLabel(json: string): string {
  try {
    const os = JSON.parse(json) as { family: string; version: string; prettyName?: string };
    return os.prettyName ?? `${os.family} ${os.version}`;
  } catch {
    return "unknown";
  }
}
