// Cluster reports from `bulwark k8s scan --server URL --token T`: the scan's JSON report (rules'
// findings, workloads, images, components, ranked risks) stored per cluster name with its time,
// the newest KEEP_PER_CLUSTER kept. Readers list the clusters and read a cluster's latest report.
import { randomUUID } from "node:crypto";
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";

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
};
