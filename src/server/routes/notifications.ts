// Notification rules and deliveries (admin changes rules; readers see them, without secrets).
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";
import { ruleProblem, SEVERITIES } from "../../integrations/notify/rules.js";
import type { NotificationRule } from "../../integrations/notify/types.js";
import { createRule, listDeliveries, listRules, requireKey } from "../integrations/notify.js";
import { idb } from "../integrations/schema.js";

const UUID = { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" } as const;
const GLOBS = { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 255 } } as const;
const RULE = {
  type: "object",
  properties: {
    id: { type: "string" }, name: { type: "string" }, url: { type: "string", description: "scheme and host only: the path may be a credential (Slack)" }, format: { type: "string", enum: ["json", "slack"] },
    minSeverity: { type: "string", enum: SEVERITIES }, fixableOnly: { type: "boolean" }, registries: { type: "array", items: { type: "string" } }, namespaces: { type: "array", items: { type: "string" } }, enabled: { type: "boolean" },
  },
} as const;

export const notificationRoutes: RoutePlugin = (app, ctx) => {
  app.get("/api/v1/notifications/rules", { onRequest: [requireRole("reader")], schema: { summary: "Notification rules", tags: ["notifications"], response: { 200: { type: "object", properties: { rules: { type: "array", items: RULE } } } } } }, async () => ({
    rules: await listRules(ctx),
  }));

  app.post<{ Body: Omit<NotificationRule, "id"> }>(
    "/api/v1/notifications/rules",
    {
      onRequest: [requireRole("admin")],
      schema: {
        summary: "Add a notification rule; the answer holds its signing secret, shown once",
        tags: ["notifications"],
        body: {
          type: "object", required: ["name", "url"], additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 200 }, url: { type: "string", minLength: 8, maxLength: 2000 }, format: { type: "string", enum: ["json", "slack"], default: "json" },
            minSeverity: { type: "string", enum: SEVERITIES, default: "HIGH" }, fixableOnly: { type: "boolean", default: false }, registries: { ...GLOBS, default: [] }, namespaces: { ...GLOBS, default: [] }, enabled: { type: "boolean", default: true },
          },
        },
        response: { 201: { type: "object", properties: { rule: RULE, secret: { type: "string" } } }, 400: ERROR_SCHEMA, 409: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      const problem = ruleProblem(req.body);
      if (problem) throw new HttpError(400, "INVALID_REQUEST", problem);
      requireKey(ctx);
      const { rule, secret } = await createRule(ctx, req.body);
      await ctx.audit(req.principal!, "notification.rule.create", rule.id, { name: rule.name, url: rule.url });
      return reply.status(201).send({ rule, secret });
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/api/v1/notifications/rules/:id",
    { onRequest: [requireRole("admin")], schema: { summary: "Delete a notification rule", tags: ["notifications"], params: { type: "object", required: ["id"], properties: { id: UUID } }, response: { 404: ERROR_SCHEMA } } },
    async (req, reply) => {
      const r = await idb(ctx.db).deleteFrom("notify_rules").where("id", "=", req.params.id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new HttpError(404, "NOT_FOUND", "no such rule");
      await ctx.audit(req.principal!, "notification.rule.delete", req.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: { status?: string; limit?: number } }>(
    "/api/v1/notifications/deliveries",
    {
      onRequest: [requireRole("reader")],
      schema: {
        summary: "Recent webhook deliveries with their status, attempts and last error",
        tags: ["notifications"],
        querystring: { type: "object", additionalProperties: false, properties: { status: { type: "string", enum: ["pending", "delivered", "failed"] }, limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 } } },
      },
    },
    async (req) => ({ deliveries: await listDeliveries(ctx, req.query.limit ?? 100, req.query.status) }),
  );
};
