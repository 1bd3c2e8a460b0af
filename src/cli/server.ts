// `bulwark server`, `bulwark server token create`, `bulwark worker`, and the upload half of
// `bulwark scan … --server URL --token T`.
import type { Command } from "commander";
import { loadServer, UserError, type Report } from "../index.js";

interface ServerFlags {
  database?: string;
  listen?: string;
  workers?: string;
  db?: string;
  cacheDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  offline?: boolean;
  dbRepository?: string;
  leaseSeconds?: string;
  maxUpload?: string;
  refreshMinutes?: string;
  queueCheckSeconds?: string;
  quiet?: boolean;
  debug?: boolean;
}

function count(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UserError("USAGE", `${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

function serverOptions(flags: ServerFlags) {
  const o: Record<string, unknown> = {};
  if (flags.database) o.database = flags.database;
  if (flags.listen) o.listen = flags.listen;
  const workers = count("--workers", flags.workers, 0, 256);
  if (workers !== undefined) o.workers = workers;
  if (flags.db) o.advisoryDb = flags.db;
  if (flags.cacheDir) o.cacheDir = flags.cacheDir;
  if (flags.tlsCert) o.tlsCert = flags.tlsCert;
  if (flags.tlsKey) o.tlsKey = flags.tlsKey;
  if (flags.insecure) o.insecureRegistries = true;
  if (flags.offline) o.offline = true;
  if (flags.dbRepository) o.dbRepository = flags.dbRepository;
  const lease = count("--lease-seconds", flags.leaseSeconds, 5, 86400);
  if (lease !== undefined) o.leaseSeconds = lease;
  const maxUpload = count("--max-upload-mb", flags.maxUpload, 1, 4096);
  if (maxUpload !== undefined) o.maxUploadBytes = maxUpload * 1024 * 1024;
  const refresh = count("--refresh-minutes", flags.refreshMinutes, 0, 7 * 24 * 60);
  if (refresh !== undefined) o.refreshMinutes = refresh;
  const check = count("--queue-check-seconds", flags.queueCheckSeconds, 1, 3600);
  if (check !== undefined) o.maintenanceIntervalSeconds = check;
  if (flags.quiet) o.quiet = true;
  return o;
}

const common = (cmd: Command): Command =>
  cmd
    .option("--database <url|file>", "postgres://… or a SQLite file (default: $XDG_DATA_HOME/bulwark/server.db)")
    .option("--workers <n>", "scan workers in this process (default 2)")
    .option("--db <path>", "advisory database path, as in the scan commands")
    .option("--cache-dir <dir>", "layer cache directory (shared by the workers of one machine)")
    .option("--insecure", "allow plain HTTP and unverified TLS for registries being scanned")
    .option("--lease-seconds <n>", "scan job lease: a killed worker's job runs again after it (default 900)")
    .option("--queue-check-seconds <n>", "PostgreSQL: how often expired leases are looked for (default 60)")
    .option("--offline", "never download advisories (scans and refreshes use the local database as it is)")
    .option("--db-repository <url|dir>", "where advisory updates come from (as db update)")
    .option("-q, --quiet", "only warnings and errors on stderr")
    .option("--debug", "show stack traces on errors");

/** Resolves when SIGINT or SIGTERM arrives. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

export function registerServer(program: Command, hooks: { setDebug: (on: boolean) => void }): void {
  const server = common(program.command("server").description("run the Bulwark server: HTTP API, scheduler and scan workers"))
    .option("--listen <addr>", "HOST:PORT to listen on (default 127.0.0.1:8080)")
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (with --tls-key)")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--refresh-minutes <n>", "update advisories and re-match stored images this often (default 360; 0 = only on request)")
    .option("--max-upload-mb <n>", "largest report upload accepted (default 64)")
    .action(async (flags: ServerFlags) => {
      hooks.setDebug(!!flags.debug);
      const { startServer } = await loadServer();
      const running = await startServer(serverOptions(flags));
      process.stdout.write(`listening on ${running.url}\n`);
      await untilSignal();
      await running.close();
    });

  server
    .command("token")
    .description("manage API tokens")
    .command("create")
    .description("create an API token; it is printed once, on the last line")
    .requiredOption("--name <name>", "token name (shown in the audit log)")
    .requiredOption("--role <role>", "admin, scanner (may submit scans and uploads) or reader")
    .option("--database <url|file>", "postgres://… or a SQLite file (default: $XDG_DATA_HOME/bulwark/server.db)")
    .option("--debug", "show stack traces on errors")
    .action(async (_opts: unknown, cmd: Command) => {
      // --database may be parsed by `server` itself (commander gives parent options precedence).
      const flags = cmd.optsWithGlobals<{ name: string; role: string; database?: string; debug?: boolean }>();
      hooks.setDebug(!!flags.debug);
      const { createServerToken } = await loadServer();
      const t = await createServerToken(flags.database, flags.name, flags.role);
      process.stdout.write(`created ${t.role} token ${JSON.stringify(t.name)}; it is shown only now:\n${t.token}\n`);
    });

  common(program.command("worker").description("run scan workers only, against the server's PostgreSQL database"))
    .action(async (flags: ServerFlags) => {
      hooks.setDebug(!!flags.debug);
      if (!flags.database) throw new UserError("USAGE", "bulwark worker needs --database postgres://…");
      const { startWorker } = await loadServer();
      const w = await startWorker({ ...serverOptions(flags), database: flags.database });
      await untilSignal();
      await w.close();
    });
}

/** Upload limits: the server's default cap is 64 MiB. */
const UPLOAD_TIMEOUT_MS = 120_000;

/** Sends a scan report to a Bulwark server (POST /api/v1/reports); the server matches it itself. */
export async function uploadReport(report: Report, server: string, token: string | undefined): Promise<string> {
  return postReport(reportsUrl(server, token), token!, report);
}

/** The server's upload endpoint for `--server URL`, checked (with the token) before any work starts. */
export function reportsUrl(server: string, token: string | undefined): URL {
  if (!token) throw new UserError("USAGE", "--server needs a token: --token T or BULWARK_TOKEN");
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new UserError("USAGE", `--server ${JSON.stringify(server)} is not a URL`);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new UserError("USAGE", "--server must be an http:// or https:// URL");
  return new URL("api/v1/reports", base.href.endsWith("/") ? base.href : base.href + "/");
}

/** POSTs a report's inventory (POST /api/v1/reports); returns the stored image digest. */
export async function postReport(url: URL, token: string, report: Report): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...report, vulnerabilities: [], suppressed: undefined }),
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new UserError("NETWORK", `upload to ${url.origin} failed: ${cause ?? (e as Error).message}`);
  }
  const text = (await res.text()).slice(0, 64 * 1024);
  let body: { digest?: string; error?: { message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new UserError(res.status === 401 || res.status === 403 ? "AUTH" : "INPUT", `upload to ${url.origin} refused (HTTP ${res.status}): ${(body.error?.message ?? text.slice(0, 200)).replace(/\p{Cc}/gu, "?")}`);
  return body.digest ?? "";
}
