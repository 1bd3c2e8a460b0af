import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";
import { submitScan } from "../scan-jobs.js";

const ID = { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" } as const;

export const scanRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: { image: string } }>(
    "/api/v1/scans",
    {
      onRequest: [requireRole("scanner")],
      schema: {
        summary: "Queue a scan of a registry image",
        body: { type: "object", required: ["image"], additionalProperties: false, properties: { image: { type: "string", minLength: 1, maxLength: 512 } } },
        response: { 202: { type: "object", required: ["id"], properties: { id: { type: "string" } } }, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const id = await submitScan(ctx, req.body.image, "api", req.principal);
      await ctx.audit(req.principal!, "scan.submit", req.body.image, { id });
      return reply.status(202).send({ id });
    },
  );

  app.get<{ Params: { id: string } }>(
    "/api/v1/scans/:id",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Status of a scan",
        params: { type: "object", required: ["id"], properties: { id: ID } },
        response: {
          200: {
            type: "object",
            required: ["id", "status"],
            properties: {
              id: { type: "string" }, status: { type: "string", enum: ["queued", "running", "done", "failed"] }, image: { type: "string" }, digest: { type: ["string", "null"] },
              error: { type: "string" }, createdAt: { type: "string" }, startedAt: { type: ["string", "null"] }, finishedAt: { type: ["string", "null"] }, attempts: { type: "integer" },
            },
          },
          404: ERROR_SCHEMA,
        },
      },
    },
    async (req) => {
      const s = await ctx.db.selectFrom("scans").selectAll().where("id", "=", req.params.id).executeTakeFirst();
      if (!s) throw new HttpError(404, "NOT_FOUND", "no such scan");
      return {
        id: s.id, status: s.status, image: s.image, digest: s.digest, ...(s.error && s.status === "failed" ? { error: s.error } : {}),
        createdAt: s.created_at, startedAt: s.started_at, finishedAt: s.finished_at, attempts: Number(s.attempts),
      };
    },
  );
};
