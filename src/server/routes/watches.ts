// Registry watches: CRUD (admin), list-now, and the push-event endpoint a registry posts to.
import type { FastifyRequest } from "fastify";
import type { RoutePlugin } from "../app.js";
import { requireRole, roleAtLeast } from "../auth.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";
import { hashToken } from "../secrets.js";
import { parsePushEvents } from "../../integrations/watch/events.js";
import { createWatch, deleteWatch, enqueueImages, eventSecretMatches, getWatchRow, listWatches, runWatch, type WatchInput } from "../integrations/watches.js";

const UUID = { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" } as const;
const ID_PARAMS = { type: "object", required: ["id"], properties: { id: UUID } } as const;
const GLOBS = { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 255 } } as const;
const WATCH = {
  type: "object",
  properties: {
    id: { type: "string" }, name: { type: "string" }, registry: { type: "string" }, repositories: { type: "array", items: { type: "string" } }, tags: { type: "array", items: { type: "string" } },
    intervalSeconds: { type: "integer" }, insecure: { type: "boolean" }, enabled: { type: "boolean" }, hasCredentials: { type: "boolean" }, lastListedAt: { type: "string" }, lastError: { type: "string" }, createdAt: { type: "string" },
  },
} as const;

/** Registries post events with a per-watch secret (or a scanner token) in Authorization. */
async function eventAuthorized(req: FastifyRequest, ctx: Parameters<RoutePlugin>[1], row: { event_secret_hash: string }): Promise<boolean> {
  const header = typeof req.headers.authorization === "string" ? req.headers.authorization.trim() : "";
  const presented = /^Bearer\s+(\S{1,512})$/i.exec(header)?.[1] ?? (header.length <= 512 && !header.includes(" ") ? header : "");
  if (!presented) return false;
  if (eventSecretMatches(row, presented)) return true;
  const t = await ctx.db.selectFrom("tokens").select(["role", "revoked_at"]).where("hash", "=", hashToken(presented)).executeTakeFirst();
  return !!t && !t.revoked_at && roleAtLeast(t.role, "scanner");
}

export const watchRoutes: RoutePlugin = (app, ctx) => {
  app.addContentTypeParser(/^application\/vnd\.docker\.distribution\.events\.v1\+json/i, { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpError(400, "INVALID_JSON", "the event envelope is not valid JSON"));
    }
  });

  app.get("/api/v1/watches", { onRequest: [requireRole("reader")], schema: { summary: "Registry watches", tags: ["watches"], response: { 200: { type: "object", properties: { watches: { type: "array", items: WATCH } } } } } }, async () => ({
    watches: await listWatches(ctx),
  }));

  app.post<{ Body: WatchInput }>(
    "/api/v1/watches",
    {
      onRequest: [requireRole("admin")],
      schema: {
        summary: "Add a registry watch; the answer holds its event secret and webhook URL, shown once",
        tags: ["watches"],
        body: {
          type: "object", required: ["name", "registry"], additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 200 }, registry: { type: "string", minLength: 1, maxLength: 255 }, repositories: GLOBS, tags: GLOBS,
            intervalSeconds: { type: "integer", minimum: 0, maximum: 604800 }, insecure: { type: "boolean" }, enabled: { type: "boolean" },
            username: { type: "string", minLength: 1, maxLength: 255 }, password: { type: "string", minLength: 1, maxLength: 4096 },
          },
        },
        response: { 201: { type: "object", properties: { watch: WATCH, eventSecret: { type: "string" }, eventPath: { type: "string" } } }, 400: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      if (req.body.intervalSeconds !== undefined && req.body.intervalSeconds > 0 && req.body.intervalSeconds < 60) throw new HttpError(400, "INVALID_REQUEST", "intervalSeconds: 0 (events only) or at least 60");
      const { watch, eventSecret } = await createWatch(ctx, req.body);
      await ctx.audit(req.principal!, "watch.create", watch.id, { name: watch.name, registry: watch.registry, credentials: watch.hasCredentials });
      return reply.status(201).send({ watch, eventSecret, eventPath: `/api/v1/watches/${watch.id}/events` });
    },
  );

  app.delete<{ Params: { id: string } }>("/api/v1/watches/:id", { onRequest: [requireRole("admin")], schema: { summary: "Delete a watch", tags: ["watches"], params: ID_PARAMS, response: { 404: ERROR_SCHEMA } } }, async (req, reply) => {
    if (!(await deleteWatch(ctx, req.params.id))) throw new HttpError(404, "NOT_FOUND", "no such watch");
    await ctx.audit(req.principal!, "watch.delete", req.params.id);
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string } }>(
    "/api/v1/watches/:id/run",
    { onRequest: [requireRole("scanner")], schema: { summary: "List a watch now and queue scans of new digests", tags: ["watches"], params: ID_PARAMS, response: { 404: ERROR_SCHEMA } } },
    async (req) => {
      const row = await getWatchRow(ctx, req.params.id);
      if (!row) throw new HttpError(404, "NOT_FOUND", "no such watch");
      const r = await runWatch(ctx, row);
      await ctx.audit(req.principal!, "watch.run", row.id, { listed: r.listed, queued: r.queued.length });
      return { listed: r.listed, queued: r.queued, errors: r.errors };
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/v1/watches/:id/events",
    {
      // Authenticated below: the watch's event secret (or a scanner token), as a registry can send
      // only a fixed header. Distribution notifications and Harbor webhooks (PUSH_ARTIFACT).
      config: { public: true },
      schema: { summary: "Push events from the watched registry (Distribution notifications, Harbor webhooks)", tags: ["watches"], params: ID_PARAMS, body: { type: "object" }, response: { 401: ERROR_SCHEMA, 404: ERROR_SCHEMA } },
    },
    async (req, reply) => {
      const row = await getWatchRow(ctx, req.params.id);
      // Same answer for an unknown watch and a wrong secret: ids are not probed this way.
      if (!row || !(await eventAuthorized(req, ctx, row))) throw new HttpError(401, "UNAUTHORIZED", "missing or wrong watch secret");
      const parsed = parsePushEvents(req.body);
      if (!parsed) throw new HttpError(400, "INVALID_REQUEST", "neither a Distribution event envelope nor a Harbor webhook event");
      const queued = Number(row.enabled) === 1 ? await enqueueImages(ctx, row, parsed.images, "watch-event") : [];
      if (queued.length) await ctx.audit("system", "watch.event", row.id, { source: parsed.source, queued: queued.length });
      return reply.status(202).send({ source: parsed.source, images: parsed.images.length, queued, ignored: parsed.ignored });
    },
  );
};
