// `bulwark server`, `bulwark worker`, `bulwark server token create` and `bulwark scan --server`
// as processes. Scale-out: a server and two workers on a throw-away PostgreSQL cluster scan images
// from a real docker-registry; one worker is SIGKILLed mid-scan; every image ends scanned exactly
// once.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/index.js";
import { importPaths } from "../../src/index.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildImage, writeDockerArchive, type BuiltImage } from "../support/image-builder.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { freePort, REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { client, debianSpec, osv, waitFor } from "../server/helpers.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-server-cli-"));
const env = { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), XDG_DATA_HOME: join(work, "data"), DOCKER_CONFIG: join(work, "nodocker"), BULWARK_TOKEN: "" };

function bulwark(args: string[], extraEnv: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...env, ...extraEnv }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Proc {
  child: ChildProcess;
  out: () => string;
}
const procs: Proc[] = [];
function start(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (d) => (text += String(d)));
  child.stderr!.on("data", (d) => (text += String(d)));
  const p = { child, out: () => text };
  procs.push(p);
  return p;
}
async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const gone = new Promise((r) => p.child.once("exit", r));
  p.child.kill("SIGTERM");
  await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
}

const advisoryDb = join(work, "advisories.db");
let advisoriesReady: Promise<void> | undefined;
function advisories(): Promise<void> {
  advisoriesReady ??= (async () => {
    mkdirSync(join(work, "osv"));
    writeFileSync(join(work, "osv", "zlib.json"), osv("TEST-ZLIB-1", "zlib", "1:1.3.dfsg-1", { aliases: ["CVE-2099-0001"] }));
    await importPaths(advisoryDb, [join(work, "osv")]);
  })();
  return advisoriesReady;
}

afterAll(async () => {
  for (const p of procs) await stopProc(p);
  rmSync(work, { recursive: true, force: true });
});

const noBuild = !existsSync(BIN);

describe.skipIf(noBuild)("server CLI on SQLite", () => {
  it("creates a token shown once on the last line, stored only hashed", () => {
    const db = join(work, "tok.db");
    const r = bulwark(["server", "token", "create", "--name", "ci", "--role", "scanner", "--database", db]);
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.trimEnd().split("\n").at(-1)!;
    expect(token).toMatch(/^bwk_[A-Za-z0-9_-]{43}$/);
    const h = new Sqlite(db, { readonly: true });
    const rows = h.prepare("SELECT name, role, hash FROM tokens").all() as { name: string; role: string; hash: string }[];
    const dump = JSON.stringify(h.prepare("SELECT * FROM audit_log").all());
    h.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "ci", role: "scanner" });
    expect(rows[0]!.hash).not.toContain(token.slice(4));
    // openssl computes the same SHA-256 of the token.
    const ossl = spawnSync("openssl", ["dgst", "-sha256", "-r"], { input: token, encoding: "utf8" });
    if (ossl.status === 0) expect(rows[0]!.hash).toBe(ossl.stdout.split(" ")[0]);
    expect(dump).not.toContain(token);
    // The same name twice, and a bad role: one line, exit 2.
    const again = bulwark(["server", "token", "create", "--name", "ci", "--role", "scanner", "--database", db]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(bulwark(["server", "token", "create", "--name", "x", "--role", "root", "--database", db]).code).toBe(2);
  });

  it("refuses a database written by a newer Bulwark, and bad flags, with one line", () => {
    const db = join(work, "newer.db");
    expect(bulwark(["server", "token", "create", "--name", "a", "--role", "admin", "--database", db]).code).toBe(0);
    const h = new Sqlite(db);
    h.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)").run("9999_future", new Date().toISOString());
    h.close();
    const r = bulwark(["server", "--database", db, "--listen", "127.0.0.1:0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: server database .* has a newer schema \(migration 9999_future is unknown to this Bulwark\); upgrade Bulwark\n$/);
    expect(bulwark(["worker", "--database", join(work, "w.db")]).stderr).toMatch(/^bulwark: bulwark worker needs --database postgres/);
    expect(bulwark(["server", "--listen", "nope", "--database", join(work, "l.db")]).code).toBe(2);
    const pgDown = bulwark(["server", "token", "create", "--name", "a", "--role", "admin", "--database", "postgres://u:hunter2secret@127.0.0.1:1/x"]);
    expect(pgDown.code).toBe(2);
    expect(pgDown.stderr).toMatch(/^bulwark: cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
    expect(pgDown.stderr).not.toContain("hunter2secret");
  });

  it("uploads a local scan with --server and BULWARK_TOKEN; the server matches it; a wrong token fails with exit 2", async () => {
    await advisories();
    const db = join(work, "up.db");
    const token = bulwark(["server", "token", "create", "--name", "up", "--role", "scanner", "--database", db]).stdout.trimEnd().split("\n").at(-1)!;
    const reader = bulwark(["server", "token", "create", "--name", "rd", "--role", "reader", "--database", db]).stdout.trimEnd().split("\n").at(-1)!;
    const port = await freePort();
    const srv = start(["server", "--database", db, "--listen", `127.0.0.1:${port}`, "--db", advisoryDb, "--offline", "--workers", "0"]);
    const base = `http://127.0.0.1:${port}`;
    await waitFor("server", async () => (srv.out().includes("listening on") ? true : undefined), 30_000);
    const image = await buildImage(debianSpec("upload"), "docker");
    const archive = join(work, "upload.tar");
    await writeDockerArchive(archive, [image]);
    const r = bulwark(["scan", archive, "--server", base, "--format", "json", "--db", advisoryDb, "--offline", "-q"], { BULWARK_TOKEN: token });
    expect(r.code, r.stderr).toBe(0);
    const api = client(base, reader);
    const found = (await api("GET", "/api/v1/images?cve=CVE-2099-0001")).body.images;
    const local = JSON.parse(r.stdout) as { artifact: { digest: string } };
    expect(local.artifact.digest).toMatch(/^sha256:/);
    expect(found.map((i: { digest: string }) => i.digest)).toEqual([local.artifact.digest]);
    const bad = bulwark(["scan", archive, "--server", base, "--token", "bwk_nope", "--format", "json", "--db", advisoryDb, "--offline", "-q"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/upload to http:\/\/127\.0\.0\.1:\d+ refused \(HTTP 401\)/);
    expect(bad.stderr).not.toContain("bwk_nope");
    expect(srv.out()).not.toContain(token);
    await stopProc(srv);
    expect(srv.child.exitCode).toBe(0);
  }, 120_000);
});

const noScaleOut = noBuild ? "no build" : missingTool("server scale-out test", [...REGISTRY_TOOLS, ...POSTGRES_TOOLS]);

describe.skipIf(noScaleOut !== undefined)("server scale-out on PostgreSQL", () => {
  let reg: RegistryServer;
  let proxy: FaultProxy;
  let pgs: PostgresServer;
  const images: BuiltImage[] = [];

  beforeAll(async () => {
    await advisories();
    reg = await startRegistry();
    // Slow layer downloads: each scan takes seconds, so a kill lands mid-scan.
    proxy = await startFaultProxy(reg.host, () => false, { delayMs: (req, url) => (req.method === "GET" && /\/blobs\//.test(url.pathname) ? 1200 : 0) });
    for (let i = 0; i < 6; i++) {
      const spec = debianSpec(`app${i}`);
      spec.layers[0]!.entries.push({ path: `etc/image-${i}`, content: `${i}\n` }); // no layer shared: every scan downloads
      const img = await buildImage(spec);
      await pushImage(`${reg.host}/fleet/app${i}:1`, img);
      images.push(img);
    }
    pgs = await startPostgres();
  }, 180_000);

  afterAll(async () => {
    for (const p of procs) await stopProc(p);
    await proxy?.stop();
    await reg?.stop();
    await pgs?.stop();
  });

  it("two workers and a server: a SIGKILLed worker's scan is retried after its lease, every image stored exactly once", async () => {
    const url = pgs.url;
    const admin = bulwark(["server", "token", "create", "--name", "admin", "--role", "admin", "--database", url]);
    expect(admin.code, admin.stderr).toBe(0);
    const token = admin.stdout.trimEnd().split("\n").at(-1)!;
    const port = await freePort();
    const common = ["--database", url, "--db", advisoryDb, "--offline", "--insecure", "--lease-seconds", "10", "--queue-check-seconds", "1"];
    const srv = start(["server", ...common, "--listen", `127.0.0.1:${port}`, "--workers", "0"]);
    await waitFor("server", async () => (srv.out().includes("listening on") ? true : undefined), 60_000);
    const w1 = start(["worker", ...common, "--workers", "1", "--cache-dir", join(work, "cache-w1")]);
    const w2 = start(["worker", ...common, "--workers", "1", "--cache-dir", join(work, "cache-w2")]);
    await waitFor("workers", async () => (w1.out().includes("scan workers") && w2.out().includes("scan workers") ? true : undefined), 60_000);

    const api = client(`http://127.0.0.1:${port}`, token);
    const ids: string[] = [];
    for (let i = 0; i < images.length; i++) {
      const r = await api("POST", "/api/v1/scans", { body: { image: `${proxy.host}/fleet/app${i}:1` } });
      expect(r.status, r.text).toBe(202);
      ids.push(r.body.id);
    }
    // Kill worker 1 as soon as it has started a scan.
    const started = await waitFor("worker 1 to start a scan", async () => /scan (\S+) \S+ attempt 1 started/.exec(w1.out())?.[1], 60_000, 50);
    w1.child.kill("SIGKILL");
    await new Promise((r) => w1.child.once("exit", r));
    expect(w1.out()).not.toMatch(new RegExp(`scan ${started} \\S+ done`));

    const final = await waitFor(
      "every scan to finish",
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await api("GET", `/api/v1/scans/${id}`)).body));
        return all.every((s) => s.status === "done" || s.status === "failed") ? all : undefined;
      },
      150_000,
      500,
    );
    expect(final.map((s) => s.status)).toEqual(ids.map(() => "done"));
    expect(final.map((s) => s.digest)).toEqual(images.map((i) => i.manifest.digest));
    const killed = final.find((s) => s.id === started)!;
    expect(killed.attempts).toBeGreaterThanOrEqual(2);
    // Each scan finished once, over both workers' logs; the killed one by worker 2.
    const doneLines = (w1.out() + w2.out()).split("\n").filter((l) => / done: sha256:/.test(l));
    for (const id of ids) expect(doneLines.filter((l) => l.includes(`scan ${id} `)), id).toHaveLength(1);
    expect(w2.out()).toMatch(new RegExp(`scan ${started} \\S+ done`));

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const imagesRows = (await c.query("SELECT digest FROM images ORDER BY digest")).rows.map((r) => r.digest);
      expect(imagesRows).toEqual(images.map((i) => i.manifest.digest).sort());
      const jobs = (await c.query("SELECT state, COUNT(*)::int AS n FROM pgboss.job WHERE name = 'bulwark-scan' GROUP BY state ORDER BY state")).rows;
      expect(jobs).toEqual([{ state: "completed", n: 6 }]);
      const findings = (await c.query("SELECT image_digest, COUNT(*)::int AS n FROM findings GROUP BY image_digest")).rows;
      expect(findings.map((r) => r.n)).toEqual(images.map(() => 1)); // zlib once per image, never twice
    } finally {
      await c.end();
    }
    await stopProc(w2);
    await stopProc(srv);
    expect(w2.child.exitCode).toBe(0);
    expect(srv.child.exitCode).toBe(0);
  }, 240_000);
});
