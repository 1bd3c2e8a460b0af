// `bulwark config` and `bulwark rules list` end to end, on a small project tree.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sarifErrors } from "../../src/report/sarif/test-support/sarif-schema.js";

const root = new URL("../../", import.meta.url).pathname;
const BIN = join(root, "dist/src/cli/main.js");
const PROJECT = join(root, "test/e2e/testdata/config-project");
const work = mkdtempSync(join(tmpdir(), "bw-config-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bulwark(args: string[], cwd = work): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface M { ruleId: string; path: string; line?: number; severity: string; title: string; message: string; resource?: { kind: string; name: string; container?: string } }

describe.skipIf(!existsSync(BIN))("bulwark config", () => {
  const run = (): M[] => {
    const r = bulwark(["config", PROJECT, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).misconfigurations as M[];
  };

  it("finds Dockerfile, Kubernetes and Compose problems with files and lines, skipping node_modules", () => {
    const found = run();
    const files = new Set(found.map((m) => m.path));
    expect(files).toEqual(new Set(["Dockerfile", "k8s/deploy.yaml", "docker-compose.yml"]));
    const df = found.filter((m) => m.path === "Dockerfile");
    expect(df.some((m) => m.line === 1 && /latest|tag/i.test(m.title + m.message))).toBe(true);
    expect(df.some((m) => m.line === 4 && /(curl|pipe|sh)/i.test(m.title + m.message))).toBe(true);
    expect(df.some((m) => m.line === 6 && /22|ssh/i.test(m.title + m.message))).toBe(true);
    const k8s = found.filter((m) => m.path === "k8s/deploy.yaml");
    const priv = k8s.find((m) => /privileged/i.test(m.title) && m.resource?.name === "web");
    expect(priv?.line).toBe(19);
    expect(priv?.resource).toMatchObject({ kind: "Deployment", name: "web", container: "app" });
    expect(k8s.some((m) => /host ?network|host namespaces/i.test(m.title + m.message) && m.line === 14)).toBe(true);
    const compose = found.filter((m) => m.path === "docker-compose.yml");
    expect(compose.some((m) => /privileged/i.test(m.title) && m.line === 4)).toBe(true);
    expect(compose.some((m) => /docker\.sock|socket/i.test(m.title + m.message))).toBe(true);
    for (const m of found) {
      expect(m.ruleId).toMatch(/^BW-[A-Z0-9]+-/);
      expect(m.message.length).toBeGreaterThan(0);
    }
  });

  it("honours in-file suppression comments", () => {
    const found = run();
    const privRule = found.find((m) => /privileged/i.test(m.title) && m.path === "k8s/deploy.yaml")!.ruleId;
    const text = readFileSync(join(PROJECT, "k8s/deploy.yaml"), "utf8").replace("BW-K8S-PLACEHOLDER", privRule);
    const dir = mkdtempSync(join(work, "sup-"));
    writeFileSync(join(dir, "deploy.yaml"), text);
    const r = JSON.parse(bulwark(["config", dir, "--format", "json"]).stdout).misconfigurations as M[];
    expect(r.some((m) => m.ruleId === privRule && m.resource?.name === "web")).toBe(true);
    expect(r.some((m) => m.ruleId === privRule && m.resource?.name === "quiet")).toBe(false);
  });

  it("gates with --severity and --exit-code, and writes valid SARIF", () => {
    expect(bulwark(["config", PROJECT, "--exit-code", "3", "-q"]).code).toBe(3);
    const crit = JSON.parse(bulwark(["config", PROJECT, "--format", "json", "--severity", "CRITICAL"]).stdout).misconfigurations as M[];
    expect(crit.every((m) => m.severity === "CRITICAL")).toBe(true);
    const sarif = JSON.parse(bulwark(["config", PROJECT, "--format", "sarif"]).stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results.length).toBe(run().length);
    expect(bulwark(["config", "/no/such/path"]).code).toBe(2);
  });

  it("checks against a pinned Pod Security Standards version and names it in findings", () => {
    const dir = mkdtempSync(join(work, "pss-"));
    writeFileSync(
      join(dir, "pod.yaml"),
      ["apiVersion: v1", "kind: Pod", "metadata:", "  name: web", "spec:", "  securityContext:", "    sysctls:", "      - name: net.ipv4.tcp_rmem", '        value: "4096 87380 16777216"', "  containers:", "    - name: app", "      image: registry.example.com/app:1.0", "      livenessProbe:", "        httpGet:", "          host: 169.254.169.254", "          port: 80", ""].join("\n"),
    );
    const json = (args: string[]) => {
      const r = bulwark(["config", dir, "--format", "json", ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).misconfigurations as (M & { references: { pss?: { control: string; level: string; version?: string } } })[];
    };
    const latest = json([]);
    expect(latest.some((m) => m.ruleId === "BW-K8S-046")).toBe(true);
    expect(latest.some((m) => m.ruleId === "BW-K8S-012")).toBe(false);
    for (const m of latest.filter((x) => x.references.pss)) expect(m.references.pss!.version).toBe("v1.36");
    expect(json(["--pss-version", "latest"])).toEqual(latest);
    const pinned = json(["--pss-version", "v1.30"]);
    expect(pinned.some((m) => m.ruleId === "BW-K8S-046")).toBe(false);
    expect(pinned.find((m) => m.ruleId === "BW-K8S-012")).toMatchObject({ line: 8, references: { pss: { control: "Sysctls", level: "baseline", version: "v1.30" } } });
    const table = bulwark(["config", dir, "--pss-version", "v1.30"]);
    expect(table.stdout).toContain("BW-K8S-012:8  Unsafe sysctls [Pod/web]  PSS baseline v1.30: Sysctls");
    const sarif = JSON.parse(bulwark(["config", dir, "--format", "sarif"]).stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === "BW-K8S-046");
    expect(rule.help.text).toContain("pss: Host Probes / Lifecycle Hooks (Pod Security Standards baseline, v1.36)");
  });

  it("scan --scanners misconfig on a project tree takes --pss-version too", () => {
    const r = bulwark(["scan", `dir:${PROJECT}`, "--scanners", "misconfig", "--pss-version", "v1.30", "--format", "json", "--offline"]);
    expect(r.code, r.stderr).toBe(0);
    const found = (JSON.parse(r.stdout).misconfigurations as { references: { pss?: { version?: string } } }[]).filter((m) => m.references.pss);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((m) => m.references.pss!.version))).toEqual(new Set(["v1.30"]));
    expect(bulwark(["scan", `dir:${PROJECT}`, "--scanners", "misconfig", "--pss-version", "v9"]).code).toBe(2);
  });

  it("refuses a Pod Security Standards version it does not know, in one line", () => {
    for (const bad of ["v1.37", "1.x", "v2.0", ""]) {
      const r = bulwark(["config", PROJECT, "--pss-version", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toEqual([`bulwark: --pss-version must be "latest" or a version v1.0 to v1.36 (as in pod-security.kubernetes.io/enforce-version), got "${bad}"`]);
    }
  });

  it("lists every rule with references", () => {
    const r = bulwark(["rules", "list", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const rules = JSON.parse(r.stdout) as { id: string; title: string; severity: string; references: Record<string, unknown> }[];
    expect(rules.length).toBeGreaterThan(80);
    expect(new Set(rules.map((x) => x.id)).size).toBe(rules.length);
    for (const kind of ["BW-DS-", "BW-K8S-", "BW-COMPOSE-", "BW-IMG-", "BW-SECRET-"]) expect(rules.some((x) => x.id.startsWith(kind)), kind).toBe(true);
  });
});
