// `bulwark runtime watch` and `bulwark runtime rules validate` as a user runs them (the built CLI).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bpftraceUnavailable } from "../../src/runtime/sources/bpftrace.js";
import { fixturePath } from "../support/upstream.js";
import { missingOnHost, missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const built = missingOnHost("runtime CLI tests", existsSync(BIN), "the CLI is not built (npm run build)");
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });

describe.skipIf(built !== undefined)("bulwark runtime rules validate", () => {
  const dir = mkdtempSync(join(tmpdir(), "bw-rt-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads Falco's stable rules: JSON report, exit 0", () => {
    const r = cli(["runtime", "rules", "validate", fixturePath("falco-rules/rules/falco_rules.yaml"), "--format", "json"]);
    expect(r.status).toBe(0);
    const v = JSON.parse(r.stdout) as { rules: Array<{ name: string; enabled: boolean; reason?: string }>; macros: string[]; lists: string[]; errors: unknown[] };
    expect(v.errors).toEqual([]);
    expect(v.rules.length).toBe(25);
    expect(v.macros).toContain("spawned_process");
    expect(v.lists).toContain("shell_binaries");
    for (const x of v.rules) expect(x.enabled || typeof x.reason === "string").toBe(true);
  });

  it("names file:line:col of a broken condition, exits 1; a missing file is one line, exit 2", () => {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, "- rule: r\n  desc: d\n  condition: proc.name in (sh, bash\n  output: o\n  priority: WARNING\n");
    const r = cli(["runtime", "rules", "validate", f]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`error: ${f}:3:35: rule r: unexpected end of condition: list not closed`);
    const m = cli(["runtime", "rules", "validate", join(dir, "nope.yaml")]);
    expect(m.status).toBe(2);
    expect(m.stderr.trim().split("\n")).toHaveLength(1);
    expect(m.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(built !== undefined)("bulwark runtime watch usage errors", () => {
  it("refuses --image without ID=TARGET and a --perf-rb-pages that is not a power of two: one line, exit 2, before any source starts", () => {
    for (const [args, msg] of [
      [["--image", "abc"], '--image must be CONTAINER_ID=TARGET, got "abc"'],
      [["--image", "abc="], '--image must be CONTAINER_ID=TARGET, got "abc="'],
      [["--perf-rb-pages", "3"], '--perf-rb-pages must be a power of two between 1 and 65536, got "3"'],
    ] as const) {
      const r = cli(["runtime", "watch", "--source", "audit", "--audit-log", "/dev/null", "--no-follow", ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`bulwark: ${msg}`);
    }
  });
});

const why = built ?? missingTool("runtime watch CLI tests", "bpftrace") ?? (() => {
  const u = bpftraceUnavailable();
  return u ? missingOnHost("runtime watch CLI tests", false, u) : undefined;
})();

describe.skipIf(why !== undefined)("bulwark runtime watch --source bpftrace (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "bw-rt-watch-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes alerts to -o as JSON lines and POSTs them to --webhook (credentials in the URL never printed)", async () => {
    const secretFile = join(dir, "id_ed25519");
    writeFileSync(secretFile, "not really a key\n");
    const posted: string[] = [];
    const auths: string[] = [];
    const server = createServer((req, res) => {
      auths.push(req.headers.authorization ?? "");
      let b = "";
      req.on("data", (c) => (b += c));
      req.on("end", () => {
        posted.push(b);
        res.writeHead(500).end(); // the watcher must say it failed, without the password
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const out = join(dir, "alerts.jsonl");
    const p = spawn(process.execPath, [BIN, "runtime", "watch", "--duration", "20", "-o", out, "--webhook", `http://user:s3cret-pw@127.0.0.1:${port}/hook`], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    for (let i = 0; i < 300 && !stderr.includes("ready"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain("bpftrace ready");
    // Read an SSH private key (by name) on the host: the sensitive-file rule fires.
    spawnSync("cat", [secretFile]);
    for (let i = 0; i < 100 && posted.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    p.kill("SIGINT");
    const code = await new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
    server.close();
    expect(code).toBe(0);
    const alerts = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { rule: string; output_fields: Record<string, unknown>; container: { id: string } });
    const mine = alerts.filter((a) => a.output_fields["fd.name"] === secretFile);
    expect(mine.map((a) => a.rule)).toEqual(["Sensitive file opened for reading"]);
    expect(mine[0]!.container.id).toBe("host");
    expect(posted.some((b) => b.includes(secretFile))).toBe(true);
    expect(auths[0]).toBe(`Basic ${Buffer.from("user:s3cret-pw").toString("base64")}`);
    expect(stderr).toMatch(/webhook http:\/\/127\.0\.0\.1:\d+\/hook: HTTP 500/);
    expect(stderr).not.toContain("s3cret-pw");
    expect(stderr).toMatch(/runtime watch: \d+ events in/);
  }, 60_000);
});
