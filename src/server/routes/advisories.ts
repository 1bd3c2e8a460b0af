import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA } from "../http-error.js";
import { refreshAdvisories } from "../rematch.js";

export const advisoryRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: { update?: boolean } | undefined }>(
    "/api/v1/advisories/refresh",
    {
      onRequest: [requireRole("admin")],
      schema: {
        summary: "Update (unless the server is offline) or re-read the advisory database now, and re-match what changed",
        body: { type: ["object", "null"], additionalProperties: false, properties: { update: { type: "boolean", description: "false: only re-read the database (after `bulwark db import`)" } } },
        response: {
          200: {
            type: "object",
            properties: {
              updated: { type: "array", items: { type: "object", properties: { ecosystem: { type: "string" }, mode: { type: "string" }, records: { type: "integer" } } } },
              updateError: { type: "string" },
              rematch: {
                type: "object",
                properties: {
                  changedRecords: { type: "integer" }, pairs: { type: "integer" }, images: { type: "integer" }, packages: { type: "integer" },
                  added: { type: "integer" }, resolved: { type: "integer" }, mode: { type: "string" }, ms: { type: "integer" },
                },
              },
            },
          },
          401: ERROR_SCHEMA, 403: ERROR_SCHEMA,
        },
      },
    },
    async (req) => {
      const r = await refreshAdvisories(ctx, { update: req.body?.update !== false });
      await ctx.audit(req.principal!, "advisories.refresh", undefined, { updated: r.updated.length, ...r.rematch });
      return r;
    },
  );
};
