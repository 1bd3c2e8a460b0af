import { sql } from "kysely";
import type { RoutePlugin } from "../app.js";

export const healthRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    "/healthz",
    {
      config: { public: true },
      schema: {
        summary: "Liveness and database check (no authentication)",
        security: [],
        response: { 200: { type: "object", properties: { status: { type: "string" }, database: { type: "string" }, queue: { type: "string" } } } },
      },
    },
    async () => {
      await sql`SELECT 1`.execute(ctx.db);
      return { status: "ok", database: ctx.dialect, queue: ctx.queue.kind };
    },
  );
};
