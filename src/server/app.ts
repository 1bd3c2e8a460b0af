// The HTTP server: fastify with JSON-schema'd routes, an OpenAPI 3.1 document generated from
// them, bearer-token authentication on every route not marked public, one JSON error shape.
import swagger from "@fastify/swagger";
import { Ajv } from "ajv";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { BulwarkError, isUserError } from "../errors.js";
import { authenticate, requireRole } from "./auth.js";
import type { ServerContext } from "./context.js";
import { HttpError } from "./http-error.js";
import { ROUTES } from "./routes/index.js";
import { toolVersion } from "../index.js";

export interface BuildOptions {
  /** PEM certificate and key: serve HTTPS. */
  https?: { cert: Buffer; key: Buffer };
}

/** Route plugins: one function per area, listed in routes/index.ts. */
export type RoutePlugin = (app: FastifyInstance, ctx: ServerContext) => void | Promise<void>;

const USER_ERROR_STATUS: Record<string, number> = { NOT_FOUND: 404, AUTH: 401, LIMIT: 413, UNSUPPORTED: 400, USAGE: 400, INPUT: 400, NETWORK: 502, DIGEST_MISMATCH: 502 };

export async function buildServer(ctx: ServerContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.config.maxBodyBytes,
    // Bounded work per request on hostile input.
    routerOptions: { maxParamLength: 512 },
    connectionTimeout: 60_000,
    requestTimeout: 120_000,
    ...(opts.https ? { https: { cert: opts.https.cert, key: opts.https.key } } : {}),
  }) as unknown as FastifyInstance;
  // JSON bodies are validated as sent (no type coercion: `{"image": 5}` is an error, not "5");
  // query strings and path parameters are text, so they are coerced to the schema's types.
  // Unknown properties are refused where a schema says additionalProperties: false, never dropped.
  const strictAjv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: false, allErrors: false, strict: false });
  const textAjv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: "array", allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === "body" ? strictAjv : textAjv).compile(schema));

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Bulwark server API", version: toolVersion() },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });

  app.addHook("onRequest", authenticate(ctx));

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const send = (status: number, code: string, message: string) => reply.status(status).type("application/json").send({ error: { code, message } });
    if (err instanceof HttpError) return send(err.statusCode, err.code, err.message);
    const fe = err as FastifyError;
    if (fe.validation) return send(400, "INVALID_REQUEST", `${fe.validationContext ?? "request"}${fe.message.replace(/^(body|querystring|params|headers)/, "")}`.slice(0, 500));
    if (isUserError(err)) return send(USER_ERROR_STATUS[err.code] ?? 400, err.code, err.message);
    if (fe.statusCode === 413 || fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") return send(413, "PAYLOAD_TOO_LARGE", "request body too large");
    if (fe.statusCode === 415) return send(415, "UNSUPPORTED_MEDIA_TYPE", "send application/json");
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return send(fe.statusCode, "BAD_REQUEST", fe.message.slice(0, 300));
    ctx.log.error(`${req.method} ${req.routeOptions.url ?? "?"}: ${err instanceof BulwarkError ? err.code + " " : ""}${err.message}`);
    return send(500, "INTERNAL", "internal error");
  });
  app.setNotFoundHandler({ preHandler: async () => {} }, (_req, reply) => {
    void reply.status(404).send({ error: { code: "NOT_FOUND", message: "no such route" } });
  });

  for (const route of ROUTES) await route(app, ctx);

  app.get("/openapi.json", { schema: { hide: true }, onRequest: [requireRole("reader")] }, async () => app.swagger());
  await app.ready();
  return app;
}
