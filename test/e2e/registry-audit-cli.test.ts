// `bulwark registry audit` from the command line, against real docker-registry instances: the
// three formats (SARIF checked against the official schema), --exit-code, -o, credentials that
// never show in any output, NODE_EXTRA_CA_CERTS, and one-line errors for bad input.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifErrors } from "../../src/report/sarif/test-support/sarif-schema.js";
import { CERT_TOOLS, issue, makeCa, type TestCa } from "../support/certs.js";
import { freePort, REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const SKIP = missingTool("registry audit CLI tests", [...REGISTRY_AUTH_TOOLS, ...CERT_TOOLS]) !== undefined || !existsSync(BIN);
const work = SKIP ? "" : mkdtempSync(join(tmpdir(), "bw-audit-cli-"));
const USER = { user: "auditor", password: "Cli-Secret-9f3b2" };

function bulwark(args: string[], input?: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", input, timeout: 120_000, env: { ...process.env, DOCKER_CONFIG: join(work, "nodocker"), ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe.skipIf(SKIP)("bulwark registry audit (CLI)", () => {
  let open: RegistryServer;
  let secured: RegistryServer;
  let ca: TestCa;
  beforeAll(async () => {
    ca = makeCa(join(work, "ca"));
    open = await startRegistry();
    secured = await startRegistry({ htpasswd: USER, tls: issue(ca, "reg", ["IP:127.0.0.1"]), deleteEnabled: false });
  });
  afterAll(async () => {
    await open?.stop();
    await secured?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("prints { registry, findings, summary } as JSON; the summary counts the findings", () => {
    const r = bulwark(["registry", "audit", open.host, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.registry).toBe(open.host);
    const ids = doc.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(["BW-REG-001", "BW-REG-008", "BW-REG-009", "BW-REG-010"]));
    expect(doc.summary.total).toBe(doc.findings.length);
    for (const s of ["CRITICAL", "HIGH", "MEDIUM", "LOW"]) expect(doc.summary[s]).toBe(doc.findings.filter((f: { severity: string }) => f.severity === s).length);
    for (const f of doc.findings) {
      expect(f).toMatchObject({ ruleId: expect.any(String), severity: expect.any(String), title: expect.any(String), remediation: expect.any(String), references: expect.any(Object) });
      expect(f.evidence.length).toBeGreaterThan(0);
    }
  });

  it("writes a table, and valid SARIF 2.1.0 with one result per finding", () => {
    const table = bulwark(["registry", "audit", open.host]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^SEVERITY\s+RULE\s+TITLE\s+EVIDENCE$/m);
    expect(table.stdout).toMatch(/^CRITICAL\s+BW-REG-009\s+Anonymous push allowed\s+POST http:\/\//m);
    const out = join(work, "audit.sarif");
    const sarif = bulwark(["registry", "audit", open.host, "--format", "sarif", "-o", out]);
    expect(sarif.code, sarif.stderr).toBe(0);
    expect(sarif.stdout).toBe("");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(sarifErrors(doc)).toEqual([]);
    const json = JSON.parse(bulwark(["registry", "audit", open.host, "--format", "json"]).stdout);
    expect(doc.runs[0].results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual(json.findings.map((f: { ruleId: string }) => f.ruleId).sort());
    expect(doc.runs[0].tool.driver.rules.every((x: { id: string }) => x.id.startsWith("BW-REG-"))).toBe(true);
  });

  it("exits with the --exit-code value when there are findings", () => {
    expect(bulwark(["registry", "audit", open.host, "--exit-code", "3", "-q"]).code).toBe(3);
    // The secured registry passes every rule but the API version header: a gate on its own finding.
    const r = bulwark(["registry", "audit", secured.host, "--ca-file", ca.certificate, "--format", "json", "--exit-code", "4"]);
    expect(r.code, r.stderr).toBe(4);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(["BW-REG-011"]);
  });

  it("trusts a CA given by NODE_EXTRA_CA_CERTS like one given by --ca-file", () => {
    const without = JSON.parse(bulwark(["registry", "audit", secured.host, "--format", "json"]).stdout);
    expect(without.findings.map((f: { ruleId: string }) => f.ruleId)).toContain("BW-REG-002");
    const withEnv = JSON.parse(bulwark(["registry", "audit", secured.host, "--format", "json"], undefined, { NODE_EXTRA_CA_CERTS: ca.certificate }).stdout);
    expect(withEnv.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain("BW-REG-002");
  });

  it("uses --password-stdin credentials without printing them anywhere, even with --debug", () => {
    for (const format of ["table", "json", "sarif"]) {
      const r = bulwark(["registry", "audit", secured.host, "--ca-file", ca.certificate, "--username", USER.user, "--password-stdin", "--format", format, "--debug"], USER.password + "\n");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(USER.password);
      expect(r.stdout + r.stderr).not.toContain(Buffer.from(`${USER.user}:${USER.password}`).toString("base64"));
      if (format === "json") expect(JSON.parse(r.stdout).access.authenticated).toEqual({ catalog: true, push: true, delete: false });
    }
    const debug = bulwark(["registry", "audit", secured.host, "--ca-file", ca.certificate, "--username", USER.user, "--password-stdin", "--debug", "-q"], USER.password);
    expect(debug.stderr).toMatch(/bulwark: debug: DELETE https:\/\/.*\/manifests\/sha256:[0-9a-f]{64} \(credentials\) -> 405/);
  });

  it("lists its rules in `bulwark rules list`", () => {
    const r = bulwark(["rules", "list", "--format", "json"]);
    const registry = JSON.parse(r.stdout).filter((x: { kind: string }) => x.kind === "registry");
    expect(registry.map((x: { id: string }) => x.id)).toEqual(Array.from({ length: 13 }, (_, i) => `BW-REG-${String(i + 1).padStart(3, "0")}`));
  });

  it("fails with one line on bad input and unreachable registries", async () => {
    const cases: [string[], RegExp][] = [
      [["registry", "audit", "https://user:pw@127.0.0.1:5000/v2/x"], /^bulwark: registry "https:\/\/user:pw@127.0.0.1:5000\/v2\/x": give the registry host/],
      [["registry", "audit", open.host, "--timeout", "0"], /^bulwark: --timeout must be/],
      [["registry", "audit", open.host, "--exit-code", "2"], /^bulwark: --exit-code 2 is reserved/],
      [["registry", "audit", open.host, "--ca-file", join(work, "missing.pem")], /^bulwark: cannot read --ca-file/],
      [["registry", "audit", open.host, "--password-stdin"], /^bulwark: --password-stdin needs --username/],
      [["registry", "audit", `127.0.0.1:${await freePort()}`], /^bulwark: no registry answered at 127\.0\.0\.1:\d+: /],
    ];
    for (const [args, pattern] of cases) {
      const r = bulwark(args, "");
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("gives up on a server that never answers within the time limit", async () => {
    // Accepts connections and never writes a byte (both the TLS and the HTTP probe hang).
    const silent = http.createServer(() => undefined);
    silent.on("connection", (s) => s.on("error", () => undefined));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, [BIN, "registry", "audit", `127.0.0.1:${port}`, "--timeout", "1"], { env: { ...process.env, DOCKER_CONFIG: join(work, "nodocker") } });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const started = Date.now();
      const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
      expect(code).toBe(2);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(stderr).toMatch(/no registry answered .*no TLS handshake|no complete answer within 1000 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
