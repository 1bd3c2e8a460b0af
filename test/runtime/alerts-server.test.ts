// Runtime alerts to a real Bulwark server (SQLite, and PostgreSQL when installed): the
// /api/v1/alerts routes (roles, schema, size cap, filters) and `runtime watch --server --token`
// as a user runs it, through a relay that refuses the first posts (retries with backoff).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServer, type RunningServer } from "../../src/index.js";
import { client, type Client } from "../server/helpers.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { missingOnHost, missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-alerts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CID = "0123456789ab" + "c".repeat(52);
const alert = (o: Record<string, unknown> = {}) => ({
  time: "2026-12-07T10:00:00.000Z",
  rule: "Shell spawned in a container",
  priority: "Warning",
  source: "syscall",
  tags: ["container", "shell"],
  hostname: "node-1",
  output: "Shell spawned in a container (shell=sh)",
  container: { id: CID, name: "web", image: "nginx:1.27" },
  output_fields: { "proc.name": "sh", "proc.pid": 42, "fd.name": null },
  ...o,
});

/** auditd lines (its record format): cat reading /etc/shadow, grouped by serial. */
const AUDIT_LOG = [
  `type=SYSCALL msg=audit(1765101600.100:501): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=400 pid=401 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="cat" exe="/usr/bin/cat" key=(null)`,
  `type=EXECVE msg=audit(1765101600.100:501): argc=2 a0="cat" a1="/etc/shadow"`,
  `type=CWD msg=audit(1765101600.100:501): cwd="/home/user"`,
  `type=PATH msg=audit(1765101600.100:501): item=0 name="/usr/bin/cat" inode=1 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL`,
  `type=EOE msg=audit(1765101600.100:501): `,
  `type=SYSCALL msg=audit(1765101600.200:502): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc a2=0 a3=0 items=1 ppid=400 pid=401 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="cat" exe="/usr/bin/cat" key="shadow"`,
  `type=CWD msg=audit(1765101600.200:502): cwd="/home/user"`,
  `type=PATH msg=audit(1765101600.200:502): item=0 name="/etc/shadow" inode=2 dev=08:01 mode=0100640 ouid=0 ogid=42 rdev=00:00 nametype=NORMAL`,
  `type=EOE msg=audit(1765101600.200:502): `,
  "",
].join("\n");

const BACKENDS = [
  { name: "SQLite", skip: undefined as string | undefined },
  { name: "PostgreSQL", skip: missingTool("runtime alerts on PostgreSQL", POSTGRES_TOOLS) },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip !== undefined)(`runtime alerts on a Bulwark server (${backend.name})`, () => {
    let pgServer: PostgresServer | undefined;
    let server: RunningServer;
    let api: Client;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      let database: string;
      if (backend.name === "PostgreSQL") {
        pgServer = await startPostgres();
        database = pgServer.url;
      } else database = join(work, "server.db");
      const { startServer, createServerToken } = await loadServer();
      for (const role of ["admin", "scanner", "reader"]) tokens[role] = (await createServerToken(database, `${role}-1`, role)).token;
      server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb: join(work, `no-advisories-${backend.name}.db`), quiet: true, offline: true });
      api = client(server.url, tokens.scanner!);
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await pgServer?.stop();
    });

    it("stores posted alerts (scanner) and lists them for readers with since, rule, container and limit", async () => {
      const posted = await api("POST", "/api/v1/alerts", {
        body: {
          alerts: [
            alert(),
            alert({ time: "2026-12-07T10:00:05.000Z", rule: "Sensitive file opened for reading", priority: "Warning", output: "Sensitive file opened for reading (file=/etc/shadow)", output_fields: { "fd.name": "/etc/shadow" } }),
            alert({ time: "2026-12-07T11:00:00+01:00", container: { id: "host" }, rule: "Setuid escalation attempt", priority: "Critical", suppressed: 3, futureField: "ignored" }),
          ],
        },
      });
      expect(posted.status, posted.text).toBe(202);
      expect(posted.body).toEqual({ accepted: 3 });

      const all = await api("GET", "/api/v1/alerts", { token: tokens.reader });
      expect(all.status).toBe(200);
      // Newest first; the +01:00 time is stored in UTC (10:00:00Z, before the others' 10:00:05Z).
      expect(all.body.alerts.map((a: { rule: string }) => a.rule)).toEqual(["Sensitive file opened for reading", "Setuid escalation attempt", "Shell spawned in a container"]);
      const setuid = all.body.alerts[1];
      expect(setuid).toMatchObject({ time: "2026-12-07T10:00:00.000Z", priority: "Critical", container: { id: "host" }, suppressed: 3, hostname: "node-1", postedBy: "scanner-1" });
      expect(setuid.futureField).toBeUndefined();
      const shell = all.body.alerts[2];
      expect(shell).toMatchObject({ container: { id: CID, name: "web", image: "nginx:1.27" }, tags: ["container", "shell"], output_fields: { "proc.name": "sh", "proc.pid": 42, "fd.name": null } });

      const q = async (query: string) => (await api("GET", `/api/v1/alerts?${query}`, { token: tokens.reader })).body.alerts.map((a: { rule: string }) => a.rule);
      expect(await q("rule=Shell%20spawned%20in%20a%20container")).toEqual(["Shell spawned in a container"]);
      expect(await q(`container=${CID.slice(0, 12)}`)).toEqual(["Sensitive file opened for reading", "Shell spawned in a container"]);
      expect(await q(`container=${CID}`)).toHaveLength(2);
      expect(await q("container=host")).toEqual(["Setuid escalation attempt"]);
      expect(await q("since=2026-12-07T10:00:01Z")).toEqual(["Sensitive file opened for reading"]);
      expect(await q("limit=1")).toEqual(["Sensitive file opened for reading"]);
      expect((await api("GET", "/api/v1/alerts?since=yesterday", { token: tokens.reader })).status).toBe(400);
    });

    it("refuses anonymous and reader posts, bad alerts, unknown envelope fields, too many alerts and too large bodies", async () => {
      const post = (body: unknown, token?: string | null) => api("POST", "/api/v1/alerts", { body, ...(token !== undefined ? { token } : {}) });
      expect((await post({ alerts: [alert()] }, null)).status).toBe(401);
      expect((await api("GET", "/api/v1/alerts", { token: null })).status).toBe(401);
      const reader = await post({ alerts: [alert()] }, tokens.reader!);
      expect(reader.status).toBe(403);
      expect(reader.body.error.code).toBe("FORBIDDEN");
      for (const bad of [{}, { alerts: [alert({ priority: "LOUD" })] }, { alerts: [alert({ time: "soon" })] }, { alerts: [{ rule: "r" }] }, { alerts: [], extra: 1 }, { alerts: Array.from({ length: 1001 }, () => alert()) }]) {
        const r = await post(bad);
        expect(r.status, JSON.stringify(bad).slice(0, 100)).toBe(400);
        expect(r.body.error.code).toBe("INVALID_REQUEST");
      }
      const huge = await post({ alerts: [alert({ output_fields: { blob: "x".repeat(5 * 1024 * 1024) } })] });
      expect(huge.status).toBe(413);
      // Nothing of the refused posts was stored.
      expect((await api("GET", "/api/v1/alerts", { token: tokens.reader })).body.alerts).toHaveLength(3);
    });

    it("lists the alert routes in /openapi.json", async () => {
      const doc = (await api("GET", "/openapi.json", { token: tokens.reader })).body;
      expect(Object.keys(doc.paths["/api/v1/alerts"]).sort()).toEqual(["get", "post"]);
    });

    const noCli = missingOnHost("runtime watch --server CLI test", existsSync(BIN), "the CLI is not built (npm run build)");
    it.skipIf(noCli !== undefined || backend.name !== "SQLite")("runtime watch --server --token posts its alerts, retrying through refusals, and never prints the token", async () => {
      const log = join(work, "audit.log");
      writeFileSync(log, AUDIT_LOG);
      let refused = 0;
      // The relay answers the first two alert posts with 503 itself; later ones reach the server.
      const relay: FaultProxy = await startFaultProxy(new URL(server.url).host, (req, res, url) => {
        if (req.method === "POST" && url.pathname === "/api/v1/alerts" && refused < 2) {
          refused++;
          res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":"UNAVAILABLE","message":"try later"}}');
          return true;
        }
        return false;
      });
      try {
        const before = (await api("GET", "/api/v1/alerts?rule=Sensitive%20file%20opened%20for%20reading&limit=1000", { token: tokens.reader })).body.alerts.length;
        const out = join(work, "alerts.jsonl");
        const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, "runtime", "watch", "--source", "audit", "--audit-log", log, "--from-start", "--no-follow", "-o", out, "--server", `http://${relay.host}`, "--token", tokens.scanner!], { stdio: ["ignore", "pipe", "pipe"] });
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("close", (code) => resolve({ code, stdout, stderr }));
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout + r.stderr).not.toContain(tokens.scanner!);
        expect(r.stderr).toContain("HTTP 503");
        expect(r.stderr).toMatch(/server: 1 sent, 0 unsent, 0 dropped, 0 refused, 2 failed requests/);
        expect(relay.count("POST", /^\/api\/v1\/alerts$/)).toBe(3);
        const local = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { rule: string; output: string });
        expect(local.map((a) => a.rule)).toEqual(["Sensitive file opened for reading"]);
        const stored = (await api("GET", "/api/v1/alerts?rule=Sensitive%20file%20opened%20for%20reading&limit=1000", { token: tokens.reader })).body.alerts;
        expect(stored.length - before).toBe(1);
        const mine = stored.filter((a: { output: string }) => a.output === local[0]!.output);
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ rule: "Sensitive file opened for reading", output: local[0]!.output, output_fields: { "fd.name": "/etc/shadow", "proc.name": "cat" }, postedBy: "scanner-1", container: { id: "host" } });
      } finally {
        await relay.stop();
      }
    }, 60_000);

    it.skipIf(noCli !== undefined || backend.name !== "SQLite")("refuses --server without a token, or with the token in the URL, in one line before watching", async () => {
      const run = (args: string[], env: Record<string, string> = {}) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, "runtime", "watch", "--source", "audit", "--audit-log", "/dev/null", "--no-follow", ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, BULWARK_TOKEN: "", ...env } });
          let stderr = "";
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("close", (code) => resolve({ code, stderr }));
        });
      const none = await run(["--server", server.url]);
      expect(none.code).toBe(2);
      expect(none.stderr.trim()).toBe("bulwark: --server needs a token: --token T or BULWARK_TOKEN");
      const inUrl = await run(["--server", server.url.replace("http://", "http://u:s3cret-in-url@"), "--token", "t"]);
      expect(inUrl.code).toBe(2);
      expect(inUrl.stderr).not.toContain("s3cret-in-url");
      expect(inUrl.stderr.trim().split("\n")).toHaveLength(1);
    });
  });
}
