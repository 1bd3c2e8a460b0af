// The server room's entry points: start the server, run workers only, manage tokens.
import { existsSync, readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { defaultDbPath, UserError } from "../index.js";
import { buildServer } from "./app.js";
import { createToken } from "./auth.js";
import { makeAudit, stderrLogger, type Logger, type ServerConfig, type ServerContext } from "./context.js";
import { openDatabase, type ServerDatabase } from "./db/connect.js";
import { PgBossQueue } from "./queue/pgboss.js";
import { SqliteQueue } from "./queue/sqlite.js";
import type { JobQueue } from "./queue/types.js";
import { refreshAdvisories } from "./rematch.js";
import { startCredentialedWorkers } from "./integrations/harbor.js";
import { startScanWorkers } from "./scan-jobs.js";
import { secretKeyFromEnv } from "./secrets.js";

export { buildServer, type RoutePlugin } from "./app.js";
export { requireRole } from "./auth.js";
export type { ServerContext, ServerConfig, Principal, Role, Logger } from "./context.js";
export { defaultDatabasePath } from "./db/connect.js";

export interface ServerOptions {
  /** postgres://… or a SQLite file (default: the user's data dir). */
  database?: string;
  /** host:port or :port (default 127.0.0.1:8080). */
  listen?: string;
  workers?: number;
  /** Advisory database (default as the scan commands). */
  advisoryDb?: string;
  cacheDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureRegistries?: boolean;
  leaseSeconds?: number;
  maxUploadBytes?: number;
  offline?: boolean;
  dbRepository?: string;
  quiet?: boolean;
  /** Advisory refresh + re-match every this many minutes (default 360; 0 = only on request). */
  refreshMinutes?: number;
  /** pg-boss maintenance interval (tests shorten it so expired leases are noticed sooner). */
  maintenanceIntervalSeconds?: number;
  log?: Logger;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  close(): Promise<void>;
}

export function parseListen(listen: string | undefined): { host: string; port: number } {
  const s = listen ?? "127.0.0.1:8080";
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s) ?? /^()()(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UserError("USAGE", `--listen ${JSON.stringify(s)}: expected HOST:PORT, [IPv6]:PORT or PORT`);
  return { host: m[1] || m[2] || "127.0.0.1", port };
}

async function makeContext(sdb: ServerDatabase, opts: ServerOptions, workers: number): Promise<ServerContext> {
  const clock = () => new Date();
  const config: ServerConfig = {
    advisoryDb: opts.advisoryDb ?? defaultDbPath(),
    workers,
    maxUploadBytes: opts.maxUploadBytes ?? 64 * 1024 * 1024,
    maxBodyBytes: 1024 * 1024,
    leaseSeconds: opts.leaseSeconds ?? 900,
  };
  if (opts.cacheDir) config.cacheDir = opts.cacheDir;
  if (opts.insecureRegistries) config.insecureRegistries = true;
  if (opts.offline) config.offline = true;
  if (opts.dbRepository) config.dbRepository = opts.dbRepository;
  const key = secretKeyFromEnv();
  if (key) config.secretKey = key;
  const queue: JobQueue =
    sdb.dialect === "postgres" ? new PgBossQueue(sdb.location, { maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60 }) : new SqliteQueue(sdb.db);
  return { db: sdb.db, dialect: sdb.dialect, queue, config, log: opts.log ?? stderrLogger(opts.quiet), clock, audit: makeAudit(sdb.db, clock) };
}

/** `bulwark server`: HTTP API + in-process workers. */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const { host, port } = parseListen(opts.listen);
  if (!!opts.tlsCert !== !!opts.tlsKey) throw new UserError("USAGE", "--tls-cert and --tls-key go together");
  const https = opts.tlsCert && opts.tlsKey ? { cert: readPem(opts.tlsCert), key: readPem(opts.tlsKey) } : undefined;
  const sdb = await openDatabase(opts.database);
  const ctx = await makeContext(sdb, opts, opts.workers ?? 2);
  let app: FastifyInstance | undefined;
  try {
    await seedAdvisoryState(ctx);
    await startScanWorkers(ctx, ctx.config.workers);
    app = await buildServer(ctx, https ? { https } : {});
    const address = await app.listen({ host, port });
    ctx.log.info(`bulwark server on ${address} (database ${sdb.label}, ${ctx.config.workers} workers)`);
    const every = (opts.refreshMinutes ?? 360) * 60_000;
    const timer = every > 0 ? setInterval(() => void refreshAdvisories(ctx).catch((e: Error) => ctx.log.warn(`scheduled advisory refresh failed: ${e.message}`)), every) : undefined;
    timer?.unref();
    const close = async (): Promise<void> => {
      if (timer) clearInterval(timer);
      await app?.close();
      await ctx.queue.stop();
      await sdb.close();
    };
    return { url: address, app, ctx, close };
  } catch (e) {
    await app?.close().catch(() => {});
    await ctx.queue.stop().catch(() => {});
    await sdb.close().catch(() => {});
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE" || (e as NodeJS.ErrnoException).code === "EACCES") throw new UserError("USAGE", `cannot listen on ${host}:${port}: ${(e as Error).message}`);
    throw e;
  }
}

/**
 * On a server that has never recorded the advisory database, record it now (re-matching whatever
 * images are stored), so the first refresh re-matches only what changed after start-up.
 */
async function seedAdvisoryState(ctx: ServerContext): Promise<void> {
  const any = await ctx.db.selectFrom("advisory_state").select("record_id").limit(1).executeTakeFirst();
  if (any || !existsSync(ctx.config.advisoryDb)) return;
  await refreshAdvisories(ctx, { update: false });
}

function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError("NOT_FOUND", `cannot read ${path}: ${(e as Error).message}`);
  }
}

export interface RunningWorker {
  ctx: ServerContext;
  close(): Promise<void>;
}

/** `bulwark worker`: scan workers only, on a PostgreSQL database. */
export async function startWorker(opts: ServerOptions & { database: string }): Promise<RunningWorker> {
  const sdb = await openDatabase(opts.database);
  if (sdb.dialect !== "postgres") {
    await sdb.close();
    throw new UserError("USAGE", "bulwark worker needs --database postgres://…: with SQLite the server runs its workers itself (--workers)");
  }
  const ctx = await makeContext(sdb, opts, opts.workers ?? 2);
  await startScanWorkers(ctx, ctx.config.workers);
  // Credentialed scans (Harbor requests, watches with logins) carry encrypted credentials: a
  // worker given the server's BULWARK_SECRET_KEY can decrypt them, so it takes them too.
  if (ctx.config.secretKey) await startCredentialedWorkers(ctx);
  ctx.log.info(`bulwark worker: ${ctx.config.workers} scan workers${ctx.config.secretKey ? " and credentialed scans" : ""} on ${sdb.label}`);
  return { ctx, close: async () => (await ctx.queue.stop(), await sdb.close()) };
}

/** `bulwark server token create`. */
export async function createServerToken(database: string | undefined, name: string, role: string): Promise<{ name: string; role: string; token: string }> {
  const sdb = await openDatabase(database);
  try {
    const t = await createToken(sdb.db, name, role);
    await makeAudit(sdb.db, () => new Date())("system", "token.create", name, { role: t.role });
    return { name: t.name, role: t.role, token: t.token };
  } finally {
    await sdb.close();
  }
}
