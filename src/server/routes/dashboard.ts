// The web dashboard: its static page and assets (public: they hold no data; the page asks for a
// token and calls the API with it) and the API the pages read.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RoutePlugin } from "../app.js";
import { requireRole } from "../auth.js";
import { AnswerCache } from "../cache.js";
import { ERROR_SCHEMA, HttpError } from "../http-error.js";
import { imageDetail, overview } from "../integrations/dashboard.js";

/** Where the build put the assets: dist/dashboard, found from the module build, the bundle or the sources. */
function assetDir(): string | undefined {
  for (const rel of ["../../../dashboard/", "./dashboard/", "../../../dist/dashboard/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/assets/app.js": { file: "assets/app.js", type: "text/javascript; charset=utf-8" },
  "/assets/app.css": { file: "assets/app.css", type: "text/css; charset=utf-8" },
};

// Everything from this origin; nothing inline, nothing from elsewhere.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const DIGEST = { type: "string", pattern: "^(local:)?sha256:[a-f0-9]{64}$" } as const;

export const dashboardRoutes: RoutePlugin = (app, ctx) => {
  const dir = assetDir();
  const cache = new Map<string, Buffer>();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    app.get(path, { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
      if (!dir) throw new HttpError(404, "NOT_FOUND", "the dashboard assets were not built (npm run build)");
      let body = cache.get(file);
      if (!body) cache.set(file, (body = readFileSync(`${dir}${file}`)));
      return reply
        .type(type)
        .header("content-security-policy", CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cache-control", path === "/" ? "no-cache" : "public, max-age=300")
        .send(body);
    });
  }

  // The overview (a few ms of summary-table reads) is cached, pre-serialised, until the next
  // findings write of this process or for 2 s (writes of other processes): a dashboard under a
  // query load costs one computation per generation, shared by concurrent requests. Past the 2 s
  // (same generation) the cached answer is served while one recomputation runs in the background.
  const overviewCache = new AnswerCache<string>(2_000, 4, true);
  app.get("/api/v1/dashboard/overview", { onRequest: [requireRole("reader")], schema: { summary: "Fleet overview for the dashboard", tags: ["dashboard"], response: { 200: { type: "object", additionalProperties: true } } } }, async (_req, reply) => {
    const body = await overviewCache.get(ctx.clock().toISOString().slice(0, 10), async () => JSON.stringify(await overview(ctx)));
    return reply.type("application/json; charset=utf-8").send(body);
  });

  app.get<{ Params: { digest: string } }>(
    "/api/v1/dashboard/images/:digest",
    { onRequest: [requireRole("reader")], schema: { summary: "One image for the dashboard: layers, packages, findings", tags: ["dashboard"], params: { type: "object", required: ["digest"], properties: { digest: DIGEST } }, response: { 200: { type: "object", additionalProperties: true }, 404: ERROR_SCHEMA } } },
    async (req) => {
      const d = await imageDetail(ctx, req.params.digest);
      if (!d) throw new HttpError(404, "NOT_FOUND", "no such image");
      return d;
    },
  );
};
