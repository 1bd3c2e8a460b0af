// Cluster reports from `bulwark k8s scan --server URL --token T`: the scan's JSON report (rules'
// findings, workloads, images, components, ranked risks) stored per cluster name with its time,
// the newest KEEP_PER_CLUSTER kept. Readers list the clusters and read a cluster's latest report.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";
import { indexClusterReport } from "../k8s-workloads.js";

/** Reports kept per cluster (older ones are deleted when a new one arrives). */
export const KEEP_PER_CLUSTER = 10;

/** Cluster names: kubeconfig context names (EKS ones hold `:` and `/`) or a server's host. */
const NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,252}$";
const NAME = new RegExp(NAME_PATTERN);

const str = (max = 4096) => ({ type: "string", maxLength: max }) as const;
const objects = (max: number) => ({ type: "array", maxItems: max, items: { type: "object" } }) as const;
const SEVERITY = { type: "string", enum: ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] } as const;
const COUNTS = { type: "object", required: ["CRITICAL", "HIGH", "MEDIUM", "LOW"], properties: { CRITICAL: { type: "integer", minimum: 0 }, HIGH: { type: "integer", minimum: 0 }, MEDIUM: { type: "integer", minimum: 0 }, LOW: { type: "integer", minimum: 0 }, UNKNOWN: { type: "integer", minimum: 0 } } } as const;

// The shape `k8s scan --format json` writes (ClusterScanReport, src/k8s/scan.ts). Unknown top-level
// fields are refused; nested objects are stored as given and only read for the summary.
const K8S_REPORT_SCHEMA = {
  type: "object",
  required: ["schemaVersion", "tool", "kind", "cluster", "namespaces", "workloads", "misconfigurations", "images", "components", "risks", "errors", "summary"],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    tool: { type: "object", required: ["name", "version"], properties: { name: { const: "bulwark" }, version: str(100) } },
    kind: { const: "kubernetes-cluster" },
    cluster: {
      type: "object",
      required: ["server", "collectedAt", "nodes"],
      properties: { server: str(2048), context: str(1024), version: str(200), collectedAt: str(100), nodes: objects(100_000) },
    },
    scope: { anyOf: [{ const: "all-namespaces" }, { type: "array", maxItems: 10_000, items: str(253) }] },
    namespaces: objects(100_000),
    workloads: objects(1_000_000),
    misconfigurations: {
      type: "array",
      maxItems: 5_000_000,
      items: { type: "object", required: ["ruleId", "severity", "path"], properties: { ruleId: str(200), severity: SEVERITY, path: str(4096), message: str(65536) } },
    },
    images: objects(1_000_000),
    components: objects(10_000),
    risks: objects(1_000_000),
    errors: objects(100_000),
    summary: {
      type: "object",
      required: ["workloads", "pods", "images", "misconfigurations", "vulnerabilities"],
      properties: { workloads: { type: "integer", minimum: 0 }, pods: { type: "integer", minimum: 0 }, images: { type: "object" }, misconfigurations: COUNTS, vulnerabilities: COUNTS },
    },
  },
} as const;

interface K8sReportBody {
  cluster: { server: string; context?: string; version?: string; collectedAt: string };
  workloads: unknown[];
  summary: unknown;
  misconfigurations: unknown[];
  risks: unknown[];
}

const CLUSTER = {
  type: "object",
  properties: {
    name: { type: "string" }, server: { type: "string" }, context: { type: ["string", "null"] }, collectedAt: { type: "string" }, receivedAt: { type: "string" },
    uploadedBy: { type: "string" }, reports: { type: "integer" }, reportId: { type: "string" }, size: { type: "integer" },
    summary: { type: "object", additionalProperties: true },
  },
} as const;

const MAX_WORKLOADS = 10_000;

const WORKLOAD = {
  type: "object",
  properties: {
    cluster: { type: "string" }, reportId: { type: "string" }, collectedAt: { type: "string" }, ref: { type: "string" }, namespace: { type: "string" }, kind: { type: "string" }, name: { type: "string" },
    containers: { type: "array", items: { type: "string" } },
    image: { type: "object", properties: { digest: { type: "string" }, image: { type: "string" }, reference: { type: "string" }, known: { type: "boolean", description: "the server holds an inventory for this digest" } } },
    findings: {
      type: "array",
      items: { type: "object", properties: { id: { type: "string" }, advisoryId: { type: "string" }, package: { type: "string" }, version: { type: "string" }, fixedVersion: { type: ["string", "null"] }, severity: { type: "string" }, purl: { type: "string" }, firstSeen: { type: "string" } } },
    },
    vulnerabilities: { type: ["object", "null"], additionalProperties: { type: "integer" } },
  },
} as const;

/** A cluster's name when the uploader gives none: its context, else the API server's host. */
export function clusterName(report: K8sReportBody): string {
  if (report.cluster.context && NAME.test(report.cluster.context)) return report.cluster.context;
  try {
    const host = new URL(report.cluster.server).host;
    if (NAME.test(host)) return host;
  } catch {
    /* not a URL */
  }
  throw new HttpError(400, "INVALID_REQUEST", "the report names no usable cluster (context or server host): pass ?cluster=NAME");
}

export const k8sRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: K8sReportBody; Querystring: { cluster?: string } }>(
    "/api/v1/k8s/reports",
    {
      onRequest: [requireRole("scanner")],
      bodyLimit: ctx.config.maxUploadBytes,
      schema: {
        summary: "Upload a `bulwark k8s scan` JSON report (`k8s scan --server URL`); stored per cluster name with its time",
        tags: ["k8s"],
        querystring: { type: "object", additionalProperties: false, properties: { cluster: { type: "string", pattern: NAME_PATTERN } } },
        body: K8S_REPORT_SCHEMA,
        response: {
          201: { type: "object", required: ["id", "cluster"], properties: { id: { type: "string" }, cluster: { type: "string" }, misconfigurations: { type: "integer" }, risks: { type: "integer" }, size: { type: "integer" } } },
          400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 413: ERROR_SCHEMA,
        },
      },
    },
    async (req, reply) => {
      const report = req.body;
      const cluster = req.query.cluster ?? clusterName(report);
      const text = JSON.stringify(report);
      const id = randomUUID();
      const now = ctx.clock().toISOString();
      await ctx.db.transaction().execute(async (tx) => {
        await tx
          .insertInto("k8s_reports")
          .values({
            id, cluster, server: report.cluster.server.slice(0, 2048), context: report.cluster.context ?? null, collected_at: report.cluster.collectedAt,
            received_at: now, uploaded_by: req.principal!.name, summary: JSON.stringify(report.summary), report: text, size: Buffer.byteLength(text),
          })
          .execute();
        // The newest KEEP_PER_CLUSTER stay (received_at, then id, breaks ties).
        const old = await tx.selectFrom("k8s_reports").select("id").where("cluster", "=", cluster).orderBy("received_at", "desc").orderBy("id", "desc").offset(KEEP_PER_CLUSTER).limit(1000).execute();
        if (old.length) await tx.deleteFrom("k8s_reports").where("id", "in", old.map((o) => o.id)).execute();
        // The newest report's workloads and image digests, for GET /api/v1/k8s/workloads.
        await indexClusterReport(tx, id, cluster, now, report);
      });
      await ctx.audit(req.principal!, "k8s.report", cluster, { id, misconfigurations: report.misconfigurations.length, risks: report.risks.length });
      return reply.status(201).send({ id, cluster, misconfigurations: report.misconfigurations.length, risks: report.risks.length, size: Buffer.byteLength(text) });
    },
  );

  app.get(
    "/api/v1/k8s/clusters",
    { onRequest: [requireRole("reader")], schema: { summary: "Clusters that sent reports, with their latest report's time and summary", tags: ["k8s"], response: { 200: { type: "object", properties: { clusters: { type: "array", items: CLUSTER } } } } } },
    async () => {
      const counts = await ctx.db.selectFrom("k8s_reports").select(["cluster", (eb) => eb.fn.countAll<string | number>().as("n"), (eb) => eb.fn.max("received_at").as("last")]).groupBy("cluster").orderBy("cluster").execute();
      const clusters = [];
      for (const c of counts) {
        const row = await ctx.db
          .selectFrom("k8s_reports")
          .select(["id", "server", "context", "collected_at", "received_at", "uploaded_by", "summary", "size"])
          .where("cluster", "=", c.cluster)
          .orderBy("received_at", "desc")
          .orderBy("id", "desc")
          .executeTakeFirst();
        if (!row) continue;
        clusters.push({
          name: c.cluster, server: row.server, context: row.context, collectedAt: row.collected_at, receivedAt: row.received_at, uploadedBy: row.uploaded_by,
          reports: Number(c.n), reportId: row.id, size: Number(row.size), summary: JSON.parse(row.summary) as Record<string, unknown>,
        });
      }
      return { clusters };
    },
  );

  app.get<{ Params: { name: string } }>(
    "/api/v1/k8s/clusters/:name/report",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "A cluster's latest report: the `k8s scan` JSON as it was uploaded",
        tags: ["k8s"],
        params: { type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string", pattern: NAME_PATTERN } } },
        response: { 200: { type: "object", additionalProperties: true }, 404: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const row = await ctx.db.selectFrom("k8s_reports").select(["report", "received_at"]).where("cluster", "=", req.params.name).orderBy("received_at", "desc").orderBy("id", "desc").executeTakeFirst();
      if (!row) throw new HttpError(404, "NOT_FOUND", "no report for this cluster");
      // Sent as stored (bytes with a JSON type are not re-serialized).
      return reply.type("application/json").header("last-modified", new Date(row.received_at).toUTCString()).send(Buffer.from(row.report));
    },
  );
  app.get<{ Querystring: { cve?: string; image?: string; cluster?: string; limit: number } }>(
    "/api/v1/k8s/workloads",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Workloads, in the newest report of each cluster, that run an image affected by a CVE (?cve=ID, open findings of the server's stored images, by digest) or a given image (?image=DIGEST)",
        description: "Joins each cluster's newest `k8s scan` report (the image digests its workloads run) with the server's own findings by digest, so re-matches after advisory changes show without a new cluster report. `notScanned` counts workloads whose images the server holds no inventory for (they may be affected too).",
        tags: ["k8s"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            cve: { type: "string", minLength: 1, maxLength: 200, description: "CVE or advisory id (open findings)" },
            image: { type: "string", pattern: "^sha256:[a-f0-9]{64}$", description: "manifest digest the workloads run" },
            cluster: { type: "string", pattern: NAME_PATTERN, description: "only this cluster" },
            limit: { type: "integer", minimum: 1, maximum: MAX_WORKLOADS, default: 1000 },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["workloads", "clusters", "truncated", "notScanned"],
            properties: {
              workloads: { type: "array", items: WORKLOAD },
              clusters: { type: "array", items: { type: "string" }, description: "clusters with at least one listed workload" },
              truncated: { type: "boolean" },
              notScanned: { type: "object", properties: { workloads: { type: "integer" }, images: { type: "integer" } }, description: "in the newest reports (of ?cluster), workloads running digests the server has no inventory for" },
            },
          },
          400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA,
        },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.cve === undefined && q.image === undefined) throw new HttpError(400, "INVALID_REQUEST", "give cve=ID or image=DIGEST (or both)");
      // The workloads of the newest reports whose digest has an open finding of this id (by CVE or
      // advisory id: the partial indexes of 0600_speed), in one query; narrowed to ?image, ?cluster.
      type Row = { cluster: string; report_id: string; ref: string; namespace: string; kind: string; name: string; digest: string; image: string | null; reference: string | null; containers: string; collected_at: string };
      let sel = ctx.db
        .selectFrom("k8s_workload_images as w")
        .innerJoin("k8s_clusters as c", (j) => j.onRef("c.name", "=", "w.cluster").onRef("c.report_id", "=", "w.report_id"))
        .innerJoin("k8s_reports as r", "r.id", "w.report_id")
        .select(["w.cluster", "w.report_id", "w.ref", "w.namespace", "w.kind", "w.name", "w.digest", "w.image", "w.reference", "w.containers", "r.collected_at"]);
      if (q.cve !== undefined) {
        const cve = q.cve;
        const of = (col: "vuln_id" | "advisory_id") => ctx.db.selectFrom("findings").select("image_digest").where(col, "=", cve).where("resolved_at", "is", null);
        sel = sel.where("w.digest", "in", of("vuln_id").union(of("advisory_id")));
      }
      if (q.image !== undefined) sel = sel.where("w.digest", "=", q.image);
      if (q.cluster !== undefined) sel = sel.where("w.cluster", "=", q.cluster);
      const rows: Row[] = await sel.orderBy("w.cluster").orderBy("w.namespace").orderBy("w.kind").orderBy("w.name").orderBy("w.digest").limit(q.limit + 1).execute();
      const page = rows.slice(0, q.limit);
      const present = [...new Set(page.map((r) => r.digest))];
      // Per digest: the matching open findings (?cve), or the open findings' counts (?image).
      const findings = new Map<string, Record<string, unknown>[]>();
      const counts = new Map<string, Record<string, unknown>>();
      const known = new Set<string>();
      for (let i = 0; i < present.length; i += 500) {
        const part = present.slice(i, i + 500);
        for (const r of await ctx.db.selectFrom("images").select("digest").where("digest", "in", part).execute()) known.add(r.digest);
        if (q.cve !== undefined) {
          const cve = q.cve;
          const of = (col: "vuln_id" | "advisory_id") =>
            ctx.db.selectFrom("findings").select(["image_digest", "vuln_id", "advisory_id", "package", "version", "fixed_version", "severity", "purl", "first_seen"]).where(col, "=", cve).where("resolved_at", "is", null).where("image_digest", "in", part);
          for (const f of await of("vuln_id").union(of("advisory_id")).orderBy("image_digest").orderBy("purl").execute()) {
            const list = findings.get(f.image_digest) ?? [];
            list.push({ id: f.vuln_id, advisoryId: f.advisory_id, package: f.package, version: f.version, fixedVersion: f.fixed_version, severity: f.severity, purl: f.purl, firstSeen: f.first_seen });
            findings.set(f.image_digest, list);
          }
        } else {
          for (const s of await ctx.db.selectFrom("image_summary").selectAll().where("digest", "in", part).execute()) {
            counts.set(s.digest, { CRITICAL: Number(s.critical), HIGH: Number(s.high), MEDIUM: Number(s.medium), LOW: Number(s.low), UNKNOWN: Number(s.unknown), fixable: Number(s.fixable) });
          }
        }
      }
      const workloads = page.map((r) => ({
        cluster: r.cluster, reportId: r.report_id, collectedAt: r.collected_at, ref: r.ref, namespace: r.namespace, kind: r.kind, name: r.name,
        containers: r.containers ? r.containers.split(",") : [],
        image: { digest: r.digest, ...(r.image !== null ? { image: r.image } : {}), ...(r.reference !== null ? { reference: r.reference } : {}), known: known.has(r.digest) },
        ...(q.cve !== undefined ? { findings: findings.get(r.digest) ?? [] } : { vulnerabilities: counts.get(r.digest) ?? null }),
      }));
      // Workloads of the newest reports whose images the server never stored: not known either way.
      let unknown = ctx.db
        .selectFrom("k8s_workload_images as w")
        .innerJoin("k8s_clusters as c", (j) => j.onRef("c.name", "=", "w.cluster").onRef("c.report_id", "=", "w.report_id"))
        .leftJoin("images as i", "i.digest", "w.digest")
        .where("i.digest", "is", null)
        .select([sql<string | number>`count(DISTINCT w.cluster || '/' || w.ref)`.as("workloads"), sql<string | number>`count(DISTINCT w.digest)`.as("images")]);
      if (q.cluster !== undefined) unknown = unknown.where("w.cluster", "=", q.cluster);
      const n = await unknown.executeTakeFirst();
      return {
        workloads,
        clusters: [...new Set(page.map((r) => r.cluster))],
        truncated: rows.length > q.limit,
        notScanned: { workloads: Number(n?.workloads ?? 0), images: Number(n?.images ?? 0) },
      };
    },
  );
};
