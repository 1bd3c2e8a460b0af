// `bulwark k8s scan --server URL` sends the cluster report to a real Bulwark server (SQLite, and
// PostgreSQL where it is installed; the server's own code in this process) and the scan runs against the real kube-apiserver: the
// stored report's findings equal the CLI's JSON output; the cluster list and the report read back
// through the API; roles, schema, size cap and anonymous access refused.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServer, type RunningServer } from "../../src/index.js";
import { missingKube, startKubeApiServer, type KubeApiServer } from "../support/kube-apiserver.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { missingTool } from "../support/tools.js";
import { client, type Client } from "../server/helpers.js";
import { BIN, runCli } from "../support/cli.js";

const work = mkdtempSync(join(tmpdir(), "bw-k8s-server-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bulwark(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker"), KUBECONFIG: join(work, "none"), BULWARK_TOKEN: "", ...env });
}

const noKube = missingKube("k8s scan --server tests") !== undefined || !existsSync(BIN);
const BACKENDS = [
  { name: "SQLite", skip: noKube },
  { name: "PostgreSQL", skip: noKube || missingTool("k8s scan --server tests on PostgreSQL", POSTGRES_TOOLS) !== undefined },
];

for (const backend of BACKENDS) describe.skipIf(backend.skip)(`k8s scan --server: cluster reports on a real server (${backend.name})`, () => {
  let kube: KubeApiServer;
  let pgServer: PostgresServer | undefined;
  let server: RunningServer;
  let api: Client;
  const tokens: Record<string, string> = {};
  const dir = join(work, backend.name);

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    kube = await startKubeApiServer();
    await kube.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "pod-security.kubernetes.io/enforce": "baseline" } } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "web", namespace: "shop" } },
      {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
        spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { serviceAccountName: "web", hostNetwork: true, containers: [{ name: "web", image: "registry.example/web:1", securityContext: { privileged: true } }] } } },
      },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "secrets", namespace: "shop" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }] },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "web-secrets", namespace: "shop" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "secrets" }, subjects: [{ kind: "ServiceAccount", name: "web", namespace: "shop" }] },
    ]);
    const { startServer, createServerToken } = await loadServer();
    if (backend.name === "PostgreSQL") pgServer = await startPostgres();
    const database = pgServer ? pgServer.url : join(dir, "server.db");
    for (const role of ["admin", "scanner", "reader"]) tokens[role] = (await createServerToken(database, `${role}-1`, role)).token;
    server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb: join(dir, "none.db"), quiet: true, offline: true, maxUploadBytes: 1024 * 1024, refreshMinutes: 0 });
    api = client(server.url, tokens.reader!);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await pgServer?.stop();
    await kube?.stop();
  });

  it("the stored report's findings equal the CLI's JSON output, listed under the kubeconfig context", async () => {
    const out = join(dir, "scan.json");
    const r = await bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--format", "json", "-o", out, "--server", server.url, "--token", tokens.scanner!]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cluster report stored on http:\/\/127\.0\.0\.1:\d+ as "admin"/);
    expect(r.stderr).not.toContain(tokens.scanner!);
    const cli = JSON.parse(readFileSync(out, "utf8"));
    expect(cli.misconfigurations.length).toBeGreaterThan(0);
    expect(cli.misconfigurations.map((m: { ruleId: string }) => m.ruleId)).toContain("BW-K8S-004");

    const list = await api("GET", "/api/v1/k8s/clusters");
    expect(list.status).toBe(200);
    expect(list.body.clusters).toHaveLength(1);
    const c = list.body.clusters[0];
    expect(c).toMatchObject({ name: "admin", server: kube.url, context: "admin", reports: 1, uploadedBy: "scanner-1", collectedAt: cli.cluster.collectedAt });
    expect(c.summary).toEqual(cli.summary);

    const stored = await api("GET", "/api/v1/k8s/clusters/admin/report");
    expect(stored.status).toBe(200);
    expect(stored.type).toMatch(/^application\/json/);
    expect(stored.body.misconfigurations).toEqual(cli.misconfigurations);
    expect(stored.body.risks).toEqual(cli.risks);
    expect(stored.body.workloads).toEqual(cli.workloads);
    expect(stored.body).toEqual(cli);
  }, 120_000);

  it("--cluster-name stores under that name (slashes allowed, as EKS contexts have); the newest report is served", async () => {
    const name = "arn:aws:eks:eu-west-1:1:cluster/prod";
    for (let i = 0; i < 2; i++) {
      const r = await bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--format", "json", "-o", join(dir, `named${i}.json`), "--server", server.url, "--cluster-name", name, "-q"], { BULWARK_TOKEN: tokens.scanner! });
      expect(r.code, r.stderr).toBe(0);
    }
    const list = await api("GET", "/api/v1/k8s/clusters");
    expect(list.body.clusters.map((c: { name: string; reports: number }) => [c.name, c.reports])).toEqual([["admin", 1], [name, 2]]);
    const latest = JSON.parse(readFileSync(join(dir, "named1.json"), "utf8"));
    const got = await api("GET", `/api/v1/k8s/clusters/${encodeURIComponent(name)}/report`);
    expect(got.status).toBe(200);
    expect(got.body.cluster.collectedAt).toBe(latest.cluster.collectedAt);
    expect((await api("GET", "/api/v1/k8s/clusters/nope/report")).status).toBe(404);
  }, 120_000);

  it("refuses readers, anonymous callers, bodies that are not k8s reports and bodies over the upload cap", async () => {
    const cli = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8"));
    expect((await api("POST", "/api/v1/k8s/reports", { body: cli })).status).toBe(403);
    expect((await api("POST", "/api/v1/k8s/reports", { token: null, body: cli })).status).toBe(401);
    expect((await api("GET", "/api/v1/k8s/clusters", { token: null })).status).toBe(401);
    const bad = await api("POST", "/api/v1/k8s/reports", { token: tokens.scanner!, body: { ...cli, kind: "image" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_REQUEST");
    expect((await api("POST", "/api/v1/k8s/reports", { token: tokens.scanner!, body: { ...cli, extra: 1 } })).status).toBe(400);
    expect((await api("POST", "/api/v1/k8s/reports?cluster=..%2Fx", { token: tokens.scanner!, body: cli })).status).toBe(400);
    const huge = await api("POST", "/api/v1/k8s/reports", { token: tokens.scanner!, body: { ...cli, errors: Array.from({ length: 20_000 }, (_, i) => ({ source: "x", message: `padding ${i} ${"y".repeat(40)}` })) } });
    expect(huge.status).toBe(413);
    // The CLI warns in one line and keeps the refusal in the report's errors (as for image uploads).
    const r = await bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--format", "json", "-o", join(dir, "x.json"), "--server", server.url, "--token", tokens.reader!]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bulwark: warning: cluster report upload to http:\/\/127\.0\.0\.1:\d+ refused \(HTTP 403\)/);
    expect(r.stderr).not.toContain(tokens.reader!);
    const x = JSON.parse(readFileSync(join(dir, "x.json"), "utf8"));
    expect(x.errors.filter((e: { source: string }) => e.source === "upload").map((e: { message: string }) => e.message)).toEqual([expect.stringMatching(/refused \(HTTP 403\)/)]);
    // The routes are in the OpenAPI document.
    const doc = (await api("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/k8s/reports", "/api/v1/k8s/clusters", "/api/v1/k8s/clusters/{name}/report"]));
  }, 120_000);
});
