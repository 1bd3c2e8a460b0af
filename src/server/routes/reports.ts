// Uploads from `bulwark scan … --server URL --token T`: the CLI sends its JSON report; the server
// keeps the inventory and matches it itself against its own advisory database.
import { randomUUID } from "node:crypto";
import { addVulnerabilities, type Report } from "../../index.js";
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA } from "../http-error.js";
import { storeReport } from "../store.js";
import { advisoryOptions, splitReference } from "../scan-jobs.js";

const str = (max = 4096) => ({ type: "string", maxLength: max }) as const;
const layerRef = { type: "object", required: ["digest"], properties: { digest: str(200), diffId: str(200), createdBy: str(65536) } } as const;

// The shape Bulwark's JSON writer produces; unknown top-level fields are refused, nested objects
// may carry more (they are stored as given and never interpreted).
const REPORT_SCHEMA = {
  type: "object",
  required: ["schemaVersion", "tool", "artifact", "packages"],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    tool: { type: "object", required: ["name", "version"], properties: { name: { const: "bulwark" }, version: str(100) } },
    artifact: {
      type: "object",
      required: ["target", "type", "layers"],
      properties: {
        target: str(4096),
        type: str(40),
        digest: { type: "string", pattern: "^sha256:[a-f0-9]{64}$" },
        names: { type: "array", maxItems: 1000, items: str(1024) },
        platform: str(100),
        created: str(100),
        os: { type: ["object", "null"] },
        layers: { type: "array", maxItems: 1000, items: { type: "object", required: ["digest"], properties: { digest: str(200), diffId: str(200), createdBy: str(65536), size: { type: "number" } } } },
      },
    },
    packages: {
      type: "array",
      maxItems: 200000,
      items: {
        type: "object",
        required: ["type", "name", "version", "purl"],
        properties: {
          type: str(40), name: str(1024), version: str(512), purl: str(4096),
          locations: { type: "array", maxItems: 10000, items: { type: "object", properties: { path: str(4096), layer: layerRef } } },
        },
      },
    },
    vulnerabilities: { type: "array" },
    suppressed: { type: "array" },
    unchecked: { type: "array" },
    secrets: { type: "array", default: [] },
    misconfigurations: { type: "array", default: [] },
    attackSurface: { type: "object" },
    errors: { type: "array", default: [] },
  },
} as const;

export const reportRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: Report }>(
    "/api/v1/reports",
    {
      onRequest: [requireRole("scanner")],
      bodyLimit: ctx.config.maxUploadBytes,
      schema: {
        summary: "Upload a bulwark JSON report (`bulwark scan … --server URL`); the server stores the inventory and matches it itself",
        body: REPORT_SCHEMA,
        response: {
          201: { type: "object", required: ["digest", "scanId"], properties: { digest: { type: "string" }, scanId: { type: "string" }, findings: { type: "integer" } } },
          400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 413: ERROR_SCHEMA,
        },
      },
    },
    async (req, reply) => {
      const report = req.body;
      for (const p of report.packages) {
        p.locations ??= [];
        p.licenses ??= [];
        p.source ??= null;
      }
      report.vulnerabilities = [];
      delete report.suppressed;
      delete report.unchecked;
      const now = ctx.clock();
      await addVulnerabilities(report, advisoryOptions(ctx), now);
      const scanId = randomUUID();
      const target = report.artifact.target.slice(0, 512);
      await ctx.db
        .insertInto("scans")
        .values({ id: scanId, image: target, status: "running", digest: null, error: null, source: "upload", requested_by: req.principal!.name, created_at: now.toISOString(), started_at: now.toISOString(), finished_at: null })
        .execute();
      const where = report.artifact.type === "registry" ? splitReference(report.artifact.target.replace(/^registry:(\/\/)?/, "")) : { registry: null, repository: null };
      const { digest } = await storeReport(ctx.db, report, { now, scanId, registry: where.registry, repository: where.repository, dialect: ctx.dialect });
      await ctx.audit(req.principal!, "report.upload", digest, { target, packages: report.packages.length });
      return reply.status(201).send({ digest, scanId, findings: report.vulnerabilities.length });
    },
  );
};
