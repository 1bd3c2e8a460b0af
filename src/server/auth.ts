// Bearer tokens: stored hashed, looked up per request; roles admin > scanner > reader.
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { UserError } from "../errors.js";
import { ROLES, type Principal, type Role, type ServerContext } from "./context.js";
import type { Database } from "./db/schema.js";
import { hashToken, newToken } from "./secrets.js";
import { HttpError } from "./http-error.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** No authentication (health). Everything else needs a token. */
    public?: boolean;
  }
}

export function roleAtLeast(have: Role, want: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(want);
}

/** How long a verified token is trusted without a database lookup (a revocation takes effect within it). */
export const TOKEN_CACHE_MS = 10_000;

/** Reads `Authorization: Bearer T`, sets request.principal; 401 when missing or wrong. */
export function authenticate(ctx: ServerContext) {
  // Verified token hashes (never the tokens), briefly: the lookup was a statement per request.
  // Failures are not cached (a wrong token always costs a lookup); the map is bounded.
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (req: FastifyRequest): Promise<void> => {
    if (req.routeOptions.config?.public) return;
    const header = req.headers.authorization;
    const m = typeof header === "string" ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
    if (!m) throw new HttpError(401, "UNAUTHORIZED", "missing bearer token");
    const hash = hashToken(m[1]!);
    const now = Date.now();
    const hit = verified.get(hash);
    if (hit && hit.until > now) {
      req.principal = hit.principal;
      return;
    }
    const row = await ctx.db.selectFrom("tokens").select(["id", "name", "role", "revoked_at"]).where("hash", "=", hash).executeTakeFirst();
    if (!row || row.revoked_at) {
      verified.delete(hash);
      throw new HttpError(401, "UNAUTHORIZED", "invalid or revoked token");
    }
    req.principal = { tokenId: row.id, name: row.name, role: row.role };
    verified.set(hash, { principal: req.principal, until: now + TOKEN_CACHE_MS });
    if (verified.size > 1000) verified.delete(verified.keys().next().value!);
  };
}

/** A preHandler/onRequest hook: 403 unless the caller's role is at least `role`. */
export function requireRole(role: Role) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const p = req.principal;
    if (!p) throw new HttpError(401, "UNAUTHORIZED", "missing bearer token");
    if (!roleAtLeast(p.role, role)) throw new HttpError(403, "FORBIDDEN", `this needs the ${role} role (token ${JSON.stringify(p.name)} has ${p.role})`);
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Creates a token; returns the secret, which is never stored or shown again. */
export async function createToken(db: Kysely<Database>, name: string, role: string, now = new Date()): Promise<{ id: string; name: string; role: Role; token: string }> {
  if (!NAME.test(name)) throw new UserError("USAGE", "token name: 1-64 characters of letters, digits, . _ @ -, starting with a letter or digit");
  if (!(ROLES as readonly string[]).includes(role)) throw new UserError("USAGE", `token role must be one of ${ROLES.join(", ")}`);
  const existing = await db.selectFrom("tokens").select("id").where("name", "=", name).executeTakeFirst();
  if (existing) throw new UserError("USAGE", `a token named ${JSON.stringify(name)} exists already`);
  const token = newToken();
  const id = randomUUID();
  await db.insertInto("tokens").values({ id, name, role: role as Role, hash: hashToken(token), created_at: now.toISOString(), last_used_at: null, revoked_at: null }).execute();
  return { id, name, role: role as Role, token };
}
