// Runtime alerts: `bulwark runtime watch --server URL` posts batches (scanner role); readers list
// them, newest first, filtered by time, rule and container (docs/runtime.md).
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";

/** Falco's priorities, as the watcher writes them. */
const PRIORITIES = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"];
/** Largest batch body (bytes) and alert count; the watcher sends smaller batches. */
export const ALERTS_BODY_LIMIT = 4 * 1024 * 1024;
const MAX_ALERTS = 1000;
/** Largest stored output_fields, as JSON. */
const MAX_FIELDS_JSON = 64 * 1024;

const SHORT = { type: "string", maxLength: 512 } as const;
const ALERT_IN = {
  type: "object",
  required: ["time", "rule", "priority", "output"],
  // Alerts of newer watchers may carry more properties: they are accepted and not stored.
  properties: {
    time: { type: "string", minLength: 10, maxLength: 40 },
    rule: { type: "string", minLength: 1, maxLength: 1024 },
    priority: { type: "string", enum: PRIORITIES },
    source: { type: "string", maxLength: 64 },
    tags: { type: "array", maxItems: 64, items: { type: "string", maxLength: 256 } },
    hostname: { type: "string", maxLength: 255 },
    output: { type: "string", maxLength: 16 * 1024 },
    container: { type: "object", properties: { id: { type: "string", maxLength: 128 }, name: SHORT, image: SHORT } },
    output_fields: { type: "object" },
    suppressed: { type: "integer", minimum: 0 },
  },
} as const;
const ALERT_OUT = {
  type: "object",
  properties: {
    id: { type: "integer" }, time: { type: "string" }, receivedAt: { type: "string" }, hostname: { type: "string" }, rule: { type: "string" }, priority: { type: "string" },
    source: { type: "string" }, tags: { type: "array", items: { type: "string" } }, output: { type: "string" },
    container: { type: "object", properties: { id: { type: "string" }, name: { type: "string" }, image: { type: "string" } } },
    output_fields: { type: "object", additionalProperties: true }, suppressed: { type: "integer" }, postedBy: { type: "string" },
  },
} as const;

interface AlertIn {
  time: string;
  rule: string;
  priority: string;
  source?: string;
  tags?: string[];
  hostname?: string;
  output: string;
  container?: { id?: string; name?: string; image?: string };
  output_fields?: Record<string, unknown>;
  suppressed?: number;
}

interface ListQuery {
  since?: string;
  rule?: string;
  container?: string;
  limit?: number;
}

function isoTime(v: string, what: string): string {
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new HttpError(400, "INVALID_REQUEST", `${what}: not a date-time: ${JSON.stringify(v.slice(0, 40))}`);
  return new Date(t).toISOString();
}

export const alertRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: { alerts: AlertIn[] } }>(
    "/api/v1/alerts",
    {
      onRequest: [requireRole("scanner")],
      bodyLimit: ALERTS_BODY_LIMIT,
      schema: {
        summary: "Store runtime alerts (bulwark runtime watch --server); at most 1000 per request",
        tags: ["alerts"],
        body: { type: "object", required: ["alerts"], additionalProperties: false, properties: { alerts: { type: "array", maxItems: MAX_ALERTS, items: ALERT_IN } } },
        response: { 202: { type: "object", properties: { accepted: { type: "integer" } } }, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 413: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const now = ctx.clock().toISOString();
      const rows = req.body.alerts.map((a, i) => {
        const fields = JSON.stringify(a.output_fields ?? {});
        if (fields.length > MAX_FIELDS_JSON) throw new HttpError(400, "INVALID_REQUEST", `alerts[${i}].output_fields: larger than ${MAX_FIELDS_JSON} bytes as JSON`);
        return {
          time: isoTime(a.time, `alerts[${i}].time`),
          received_at: now,
          host: a.hostname ?? "",
          rule: a.rule,
          priority: a.priority,
          source: a.source ?? "syscall",
          container: a.container?.id || "host",
          container_name: a.container?.name ?? null,
          image: a.container?.image ?? null,
          output: a.output,
          fields,
          tags: JSON.stringify(a.tags ?? []),
          suppressed: a.suppressed ?? 0,
          posted_by: req.principal!.name,
        };
      });
      // One transaction; chunks keep each statement under SQLite's bound-parameter limit.
      if (rows.length) {
        await ctx.db.transaction().execute(async (trx) => {
          for (let i = 0; i < rows.length; i += 100) await trx.insertInto("runtime_alerts").values(rows.slice(i, i + 100)).execute();
        });
      }
      return reply.status(202).send({ accepted: rows.length });
    },
  );

  app.get<{ Querystring: ListQuery }>(
    "/api/v1/alerts",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Runtime alerts, newest first: since (date-time, inclusive), rule (exact name), container (full id, a 12+ character prefix, or host)",
        tags: ["alerts"],
        querystring: {
          type: "object", additionalProperties: false,
          properties: { since: { type: "string", maxLength: 40 }, rule: { type: "string", maxLength: 1024 }, container: { type: "string", minLength: 1, maxLength: 128 }, limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
        },
        response: { 200: { type: "object", properties: { alerts: { type: "array", items: ALERT_OUT } } }, 400: ERROR_SCHEMA },
      },
    },
    async (req) => {
      let q = ctx.db.selectFrom("runtime_alerts").selectAll();
      if (req.query.since !== undefined) q = q.where("time", ">=", isoTime(req.query.since, "since"));
      if (req.query.rule !== undefined) q = q.where("rule", "=", req.query.rule);
      const c = req.query.container;
      if (c !== undefined) {
        // Falco prints 12-character ids: a hex prefix of 12 or more matches the full id.
        if (/^[0-9a-f]{12,63}$/.test(c)) q = q.where("container", "like", `${c}%`);
        else q = q.where("container", "=", c);
      }
      const rows = await q.orderBy("time", "desc").orderBy("id", "desc").limit(req.query.limit ?? 100).execute();
      return {
        alerts: rows.map((r) => ({
          id: Number(r.id),
          time: r.time,
          receivedAt: r.received_at,
          hostname: r.host,
          rule: r.rule,
          priority: r.priority,
          source: r.source,
          tags: JSON.parse(r.tags) as string[],
          output: r.output,
          container: { id: r.container, ...(r.container_name !== null ? { name: r.container_name } : {}), ...(r.image !== null ? { image: r.image } : {}) },
          output_fields: JSON.parse(r.fields) as Record<string, unknown>,
          suppressed: Number(r.suppressed),
          postedBy: r.posted_by,
        })),
      };
    },
  );
};
