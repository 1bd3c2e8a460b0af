// A throw-away PostgreSQL cluster for tests (Debian's postgresql package): initdb in a temp dir
// as an unprivileged user (postgres refuses to run as root; we use `nobody` through setpriv when
// the tests run as root), listening on 127.0.0.1 at a free port, removed by stop().
import { spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./registry-server.js";

export const PG_BIN = "/usr/lib/postgresql/15/bin";
/** What missingTool() needs to check before startPostgres(). */
/** What the tests need: the server binaries, and (as root) setpriv to run them as `nobody`. */
export const POSTGRES_TOOLS = [`${PG_BIN}/initdb`, ...(process.getuid?.() === 0 ? ["setpriv"] : [])];

export interface PostgresServer {
  /** postgres://bulwark:PASSWORD@127.0.0.1:PORT/bulwark */
  url: string;
  port: number;
  /** A second database on the same cluster (for tests that need an empty one). */
  createDatabase(name: string): string;
  stop(): Promise<void>;
}

const NOBODY = 65534;

function asUser(): string[] {
  return process.getuid?.() === 0 ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"] : [];
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const cmd = [...asUser(), ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", env: { ...process.env, LANG: "C", LC_ALL: "C", ...env }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${args[0]} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "bw-pg-"));
  if (process.getuid?.() === 0) chownSync(dir, NOBODY, NOBODY);
  const data = join(dir, "data");
  const password = "pw-" + Math.random().toString(36).slice(2);
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  if (process.getuid?.() === 0) chownSync(pwfile, NOBODY, NOBODY);
  run([`${PG_BIN}/initdb`, "-D", data, "-U", "bulwark", "--pwfile", pwfile, "-A", "scram-sha-256", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  run([`${PG_BIN}/pg_ctl`, "-D", data, "-l", join(dir, "log"), "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, "start"]);
  const psql = (sqlText: string) => run([`${PG_BIN}/psql`, "-h", "127.0.0.1", "-p", String(port), "-U", "bulwark", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sqlText], { PGPASSWORD: password });
  psql("CREATE DATABASE bulwark");
  const urlFor = (db: string) => `postgres://bulwark:${password}@127.0.0.1:${port}/${db}`;
  return {
    url: urlFor("bulwark"),
    port,
    createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error("bad database name");
      psql(`CREATE DATABASE ${name}`);
      return urlFor(name);
    },
    async stop() {
      try {
        run([`${PG_BIN}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

