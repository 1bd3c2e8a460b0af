// What every route and job sees: the database, the queue, auth, configuration, a logger, a clock.
import type { Kysely } from "kysely";
import type { SqlDialect } from "./db/migrations/index.js";
import type { Database } from "./db/schema.js";
import type { JobQueue } from "./queue/types.js";

export type Role = "admin" | "scanner" | "reader";
export const ROLES: readonly Role[] = ["reader", "scanner", "admin"];

/** Who made a request (set by the authentication hook). */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

export interface ServerConfig {
  /** Advisory database path (`--db`). */
  advisoryDb: string;
  /** Layer cache directory (shared by the workers of one machine). */
  cacheDir?: string;
  /** In-process scan workers (0 = API only). */
  workers: number;
  /** Maximum upload body (bytes) for reports. */
  maxUploadBytes: number;
  /** Maximum body (bytes) for every other route. */
  maxBodyBytes: number;
  /** Registry access for scans: skip TLS verification (opt-in). */
  insecureRegistries?: boolean;
  /** Scan job lease in seconds (a killed worker's job is retried after it). */
  leaseSeconds: number;
  /** Never fetch advisories (refresh re-reads the local database only). */
  offline?: boolean;
  /** Where `db update` fetches from (as --db-repository). */
  dbRepository?: string;
  /** AES-256-GCM key for stored registry credentials (BULWARK_SECRET_KEY). */
  secretKey?: Buffer;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface ServerContext {
  db: Kysely<Database>;
  dialect: SqlDialect;
  queue: JobQueue;
  config: ServerConfig;
  log: Logger;
  clock: () => Date;
  /** Appends to the audit log (who changed what). */
  audit(actor: Principal | "system", action: string, target?: string, detail?: unknown): Promise<void>;
}

export function stderrLogger(quiet = false): Logger {
  const line = (level: string, msg: string): void => {
    if (!quiet || level !== "info") process.stderr.write(`${new Date().toISOString()} ${level} ${msg}\n`);
  };
  return { info: (m) => line("info", m), warn: (m) => line("warn", m), error: (m) => line("error", m) };
}

export function makeAudit(db: Kysely<Database>, clock: () => Date): ServerContext["audit"] {
  return async (actor, action, target, detail) => {
    await db
      .insertInto("audit_log")
      .values({
        at: clock().toISOString(),
        actor: actor === "system" ? "system" : `${actor.name} (${actor.role})`,
        action,
        target: target ?? null,
        detail: detail === undefined ? null : JSON.stringify(detail),
      })
      .execute();
  };
}
