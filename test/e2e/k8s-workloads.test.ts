// GET /api/v1/k8s/workloads: "which workloads in which clusters run an image affected by CVE-X",
// answered by a real Bulwark server (SQLite and PostgreSQL) from the newest `k8s scan --server`
// report of each cluster joined with its own findings by digest. The cluster is the real
// kube-apiserver, the images are in a real docker-registry; `k8s scan --server` uploads the cluster
// report and the images' inventories. The CVE becomes known only after the upload (an advisory
// import and a refresh on the server): the answer follows without a new cluster report. The
// answer is cross-checked against the stored reports and the server's own /api/v1/images?cve=.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage, pushIndex } from "../../src/image/registry/push.js";
import { importPaths, loadServer, type RunningServer } from "../../src/index.js";
import { buildImage } from "../support/image-builder.js";
import { missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { client, debianSpec, osv, type Client } from "../server/helpers.js";
import { BIN, runCli } from "../support/cli.js";

const work = mkdtempSync(join(tmpdir(), "bw-k8s-workloads-"));
const CVE = "CVE-2099-4242";

function bulwark(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker"), KUBECONFIG: join(work, "none"), BULWARK_TOKEN: "", ...env });
}

const noKube = missingKube("k8s workloads query tests") !== undefined || missingTool("k8s workloads query tests", REGISTRY_TOOLS) !== undefined || !existsSync(BIN);
const BACKENDS = [
  { name: "SQLite", skip: noKube },
  { name: "PostgreSQL", skip: noKube || missingTool("k8s workloads query tests on PostgreSQL", POSTGRES_TOOLS) !== undefined },
];

let kube: KubeApiServer | undefined;
let reg: RegistryServer | undefined;
const digest: Record<string, string> = {};
let baseDb = "";

/** One cluster for every backend: two namespaces, a Deployment (ReplicaSet and pod made by hand) running the vulnerable image, a Job's pod running the other. */
async function setupCluster(): Promise<void> {
  if (kube) return;
  [kube, reg] = await Promise.all([startKubeApiServer(), startRegistry()]);
  const vulnerable = await buildImage(debianSpec("web", [{ name: "openssl", version: "3.0.11-1~deb12u2" }]));
  const other = await buildImage(debianSpec("tools", [{ name: "curl", version: "7.88.1-10+deb12u8" }]));
  digest.web = (await pushImage(`${reg.host}/shop/web:1.0`, vulnerable)).digest;
  digest.tools = (await pushImage(`${reg.host}/ops/tools:2`, other)).digest;
  // A multi-platform image: the kubelet reports the index digest, `k8s scan` reads the amd64 manifest.
  const apiAmd64 = await buildImage({ ...debianSpec("api", [{ name: "openssl", version: "3.0.11-1~deb12u2" }]), architecture: "amd64" });
  const apiArm64 = await buildImage({ ...debianSpec("api-arm", [{ name: "openssl", version: "3.0.15-1~deb12u1" }]), architecture: "arm64" });
  const multi = await pushIndex(`${reg.host}/edge/api:3`, [apiAmd64, apiArm64]);
  digest.apiIndex = multi.digest;
  // The server's advisories at first: one record about another package (the CVE is not known yet).
  mkdirSync(join(work, "osv0"));
  writeFileSync(join(work, "osv0", "zlib.json"), osv("TEST-ZLIB-9", "zlib", "1:1.3.dfsg-1", { aliases: ["CVE-2099-0009"] }));
  baseDb = join(work, "base.db");
  await importPaths(baseDb, [join(work, "osv0")]);

  const created = await kube.apply([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ops" } },
    {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: `${reg.host}/shop/web:1.0` }, { name: "sidecar", image: `${reg.host}/shop/web:1.0` }] } } },
    },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "tools", namespace: "ops" }, spec: { containers: [{ name: "tools", image: `${reg.host}/ops/tools:2` }] } },
  ]);
  const deployment = created.find((o) => o.kind === "Deployment")!;
  const [rs] = await kube.apply({
    apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-7c", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: deployment.metadata.uid, controller: true }] },
    spec: { selector: { matchLabels: { app: "web" } }, template: deployment.spec.template },
  });
  const [pod] = await kube.apply({
    apiVersion: "v1", kind: "Pod", metadata: { name: "web-7c-a", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7c", uid: rs!.metadata.uid, controller: true }] },
    spec: deployment.spec.template.spec,
  });
  const status = (containers: [string, string, string][]): KubeObject => ({ phase: "Running", containerStatuses: containers.map(([name, image, id]) => ({ name, image, imageID: id, ready: true, restartCount: 0, started: true, state: { running: {} } })) });
  await kube.updateStatus(pod!, status([["web", `${reg.host}/shop/web:1.0`, `docker-pullable://${reg.host}/shop/web@${digest.web}`], ["sidecar", `${reg.host}/shop/web:1.0`, `${reg.host}/shop/web@${digest.web}`]]));
  await kube.updateStatus(created.find((o) => o.metadata.name === "tools")!, status([["tools", `${reg.host}/ops/tools:2`, `${reg.host}/ops/tools@${digest.tools}`]]));
}

afterAll(async () => {
  await kube?.stop();
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

for (const backend of BACKENDS) describe.skipIf(backend.skip)(`GET /api/v1/k8s/workloads (${backend.name})`, () => {
  let pgServer: PostgresServer | undefined;
  let server: RunningServer;
  let api: Client;
  let advisoryDb: string;
  let database: string;
  const tokens: Record<string, string> = {};
  const dir = join(work, backend.name);
  const scan = (cluster: string, extra: string[] = []) =>
    bulwark(["k8s", "scan", "--kubeconfig", kube!.kubeconfigPath, "--scanners", "package", "--format", "json", "-o", join(dir, `${cluster}.json`), "--server", server.url, "--cluster-name", cluster, "-q", ...extra], { BULWARK_TOKEN: tokens.scanner! });
  const startAt = async () => {
    const { startServer } = await loadServer();
    server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb, quiet: true, offline: true, refreshMinutes: 0 });
    api = client(server.url, tokens.reader!);
  };

  beforeAll(async () => {
    await setupCluster();
    mkdirSync(dir, { recursive: true });
    advisoryDb = join(dir, "advisories.db");
    copyFileSync(baseDb, advisoryDb);
    if (backend.name === "PostgreSQL") pgServer = await startPostgres();
    database = pgServer ? pgServer.url : join(dir, "server.db");
    const { createServerToken } = await loadServer();
    for (const role of ["admin", "scanner", "reader"]) tokens[role] = (await createServerToken(database, `${role}-1`, role)).token;
    await startAt();
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await pgServer?.stop();
  });

  it("lists the workloads of each cluster running an image, and after an advisory import the CVE's, without a new cluster report", async () => {
    // Two clusters (two names for the same API server: prod sees every namespace, staging only shop).
    for (const [name, extra] of [["prod", []], ["staging", ["-n", "shop"]]] as const) {
      const r = await scan(name, [...extra]);
      expect(r.code, r.stderr).toBe(0);
    }
    // By image: the Deployment (not its ReplicaSet or pod) in both clusters, both containers.
    const byImage = await api("GET", `/api/v1/k8s/workloads?image=${digest.web}`);
    expect(byImage.status, byImage.text).toBe(200);
    expect(byImage.body.workloads.map((w: KubeObject) => `${w.cluster} ${w.ref} ${w.containers.join(",")} ${w.image.known}`)).toEqual(["prod deployment/web -n shop web,sidecar true", "staging deployment/web -n shop web,sidecar true"]);
    // The base images' zlib is affected by the one advisory the server has (CVE-2099-0009).
    expect(byImage.body.workloads[0].vulnerabilities).toEqual({ CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0, fixable: 1 });
    expect((await api("GET", "/api/v1/k8s/workloads?cve=CVE-2099-0009")).body.workloads.map((w: KubeObject) => `${w.cluster} ${w.ref}`)).toEqual(["prod pod/tools -n ops", "prod deployment/web -n shop", "staging deployment/web -n shop"]); // by cluster, namespace, kind, name
    expect(byImage.body.notScanned).toEqual({ workloads: 0, images: 0 });
    const tools = await api("GET", `/api/v1/k8s/workloads?image=${digest.tools}`);
    expect(tools.body.workloads.map((w: KubeObject) => `${w.cluster} ${w.ref}`)).toEqual(["prod pod/tools -n ops"]);

    // The CVE is unknown to the server's advisories so far.
    expect((await api("GET", `/api/v1/k8s/workloads?cve=${CVE}`)).body).toMatchObject({ workloads: [], clusters: [], truncated: false });

    // An advisory import and a refresh re-match the stored inventories: no new cluster report.
    const osvDir = join(dir, "osv1");
    mkdirSync(osvDir);
    writeFileSync(join(osvDir, "openssl.json"), osv("TEST-OPENSSL-1", "openssl", "3.0.15-1~deb12u1", { aliases: [CVE] }));
    await importPaths(advisoryDb, [osvDir]);
    const refresh = await api("POST", "/api/v1/advisories/refresh", { token: tokens.admin!, body: { update: false } });
    expect(refresh.status, refresh.text).toBe(200);

    const byCve = await api("GET", `/api/v1/k8s/workloads?cve=${CVE}`);
    expect(byCve.status).toBe(200);
    expect(byCve.body.clusters).toEqual(["prod", "staging"]);
    expect(byCve.body.workloads.map((w: KubeObject) => `${w.cluster} ${w.ref} ${w.image.digest}`)).toEqual([`prod deployment/web -n shop ${digest.web}`, `staging deployment/web -n shop ${digest.web}`]);
    expect(byCve.body.workloads[0].findings).toEqual([expect.objectContaining({ id: CVE, advisoryId: "TEST-OPENSSL-1", package: "openssl", version: "3.0.11-1~deb12u2", fixedVersion: "3.0.15-1~deb12u1" })]);
    expect(byCve.body.workloads[0].image.reference).toBe(`${reg!.host}/shop/web@${digest.web}`);
    expect((await api("GET", `/api/v1/k8s/workloads?image=${digest.web}`)).body.workloads[0].vulnerabilities).toMatchObject({ CRITICAL: 2, fixable: 2 });
    // By advisory id too; narrowed to one cluster; both filters at once.
    expect((await api("GET", "/api/v1/k8s/workloads?cve=TEST-OPENSSL-1")).body.workloads).toEqual(byCve.body.workloads);
    expect((await api("GET", `/api/v1/k8s/workloads?cve=${CVE}&cluster=staging`)).body.workloads.map((w: KubeObject) => w.cluster)).toEqual(["staging"]);
    expect((await api("GET", `/api/v1/k8s/workloads?cve=${CVE}&image=${digest.tools}`)).body.workloads).toEqual([]);
    expect((await api("GET", `/api/v1/k8s/workloads?cve=${CVE}&limit=1`)).body).toMatchObject({ truncated: true, workloads: [expect.objectContaining({ cluster: "prod" })] });

    // Cross-check: the server's own image query gives the affected digests, the stored reports the workloads running them.
    const affected = new Set((await api("GET", `/api/v1/images?cve=${CVE}`)).body.images.map((i: { digest: string }) => i.digest));
    const expected: string[] = [];
    for (const name of ["prod", "staging"]) {
      const report = (await api("GET", `/api/v1/k8s/clusters/${name}/report`)).body;
      for (const w of report.workloads) if (w.images.some((i: { digest?: string }) => i.digest && affected.has(i.digest))) expected.push(`${name} ${w.ref}`);
    }
    expect(byCve.body.workloads.map((w: KubeObject) => `${w.cluster} ${w.ref}`)).toEqual(expected.sort());
  }, 240_000);

  it("answers from each cluster's newest report only; workloads of images the server never saw are counted", async () => {
    // staging now sees only ops: its newest report no longer runs the vulnerable image.
    const r = await scan("staging", ["-n", "ops", "--no-images"]);
    expect(r.code, r.stderr).toBe(0);
    expect((await api("GET", `/api/v1/k8s/workloads?cve=${CVE}`)).body.clusters).toEqual(["prod"]);
    expect((await api("GET", `/api/v1/k8s/workloads?image=${digest.tools}`)).body.clusters).toEqual(["prod", "staging"]);
    // A cluster report naming a digest no inventory was sent for.
    const report = JSON.parse((await api("GET", "/api/v1/k8s/clusters/prod/report")).text);
    const unknownDigest = `sha256:${"ab".repeat(32)}`;
    report.workloads.push({ ...report.workloads[0], ref: "pod/ghost -n shop", name: "ghost", images: [{ container: "g", image: "ghost:1", digest: unknownDigest }] });
    expect((await api("POST", "/api/v1/k8s/reports?cluster=edge", { token: tokens.scanner!, body: report })).status).toBe(201);
    const ghost = await api("GET", `/api/v1/k8s/workloads?image=${unknownDigest}`);
    expect(ghost.body.workloads.map((w: KubeObject) => [w.ref, w.image.known, w.vulnerabilities])).toEqual([["pod/ghost -n shop", false, null]]);
    expect((await api("GET", "/api/v1/k8s/workloads?cve=CVE-2099-0009&cluster=edge")).body.notScanned).toEqual({ workloads: 1, images: 1 });
  }, 120_000);

  it("reports stored before the index are indexed when the server starts (migration 0800)", async () => {
    const before = (await api("GET", `/api/v1/k8s/workloads?image=${digest.web}`)).body;
    expect(before.workloads.length).toBeGreaterThan(0);
    await server.close();
    // Undo the migration's work as if these reports had been stored by an older server.
    const { openDatabase } = await import("../../src/server/db/connect.js");
    const sdb = await openDatabase(database, { migrate: false });
    const { sql } = await import("kysely");
    await sql`DROP TABLE k8s_workload_images`.execute(sdb.db);
    await sql`DROP TABLE k8s_clusters`.execute(sdb.db);
    // 0800 and the migrations after it (which keep their tables: 0900 creates its own only if absent).
    await sql`DELETE FROM kysely_migration WHERE name >= '0800'`.execute(sdb.db);
    await sdb.close();
    await startAt();
    expect((await api("GET", `/api/v1/k8s/workloads?image=${digest.web}`)).body).toEqual(before);
  }, 120_000);

  it("finds a workload running a multi-platform image (the kubelet reports the index digest) by the platform its scan read", async () => {
    // Only this test's cluster sees the namespace; the pod goes again at the end (the API server
    // deletes an unscheduled pod at once), so other tests' clusters never list it.
    await kube!.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "multi-arch" } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "api", namespace: "multi-arch" }, spec: { containers: [{ name: "api", image: `${reg!.host}/edge/api:3` }] } },
    ]);
    const pod = (await kube!.request("GET", "/api/v1/namespaces/multi-arch/pods/api")).body as KubeObject;
    await kube!.updateStatus(pod, { phase: "Running", containerStatuses: [{ name: "api", image: `${reg!.host}/edge/api:3`, imageID: `${reg!.host}/edge/api@${digest.apiIndex}`, ready: true, restartCount: 0, started: true, state: { running: {} } }] });
    try {
      const r = await scan("arch", ["-n", "multi-arch"]);
      expect(r.code, r.stderr).toBe(0);
      // The server keeps the inventory under the digest that was pulled (the index, as a
      // registry's repo digest), read from the linux/amd64 manifest.
      const image = await api("GET", `/api/v1/images/${digest.apiIndex}`);
      expect(image.status, image.text).toBe(200);
      expect(JSON.stringify(image.body)).toContain("linux/amd64");
      const byIndex = await api("GET", `/api/v1/k8s/workloads?image=${digest.apiIndex}`);
      expect(byIndex.body.workloads.map((w: KubeObject) => [w.cluster, w.ref, w.image.digest, w.image.known])).toEqual([["arch", "pod/api -n multi-arch", digest.apiIndex, true]]);
      // amd64 has the vulnerable openssl, arm64 the fixed one: the CVE query lists the pod with amd64's version.
      const byCve = await api("GET", `/api/v1/k8s/workloads?cve=${CVE}&cluster=arch`);
      expect(byCve.body.workloads.map((w: KubeObject) => [w.ref, w.findings.map((f: KubeObject) => f.version)])).toEqual([["pod/api -n multi-arch", ["3.0.11-1~deb12u2"]]]);
      expect(byCve.body.notScanned).toEqual({ workloads: 0, images: 0 });
    } finally {
      await kube!.request("DELETE", "/api/v1/namespaces/multi-arch/pods/api?gracePeriodSeconds=0");
    }
  }, 120_000);

  it("refuses a query without cve or image, a bad digest, anonymous callers; the route is in the OpenAPI document", async () => {
    expect((await api("GET", "/api/v1/k8s/workloads")).status).toBe(400);
    expect((await api("GET", "/api/v1/k8s/workloads?image=sha256:xyz")).status).toBe(400);
    expect((await api("GET", "/api/v1/k8s/workloads?cve=X&limit=0")).status).toBe(400);
    expect((await api("GET", `/api/v1/k8s/workloads?cve=${CVE}`, { token: null })).status).toBe(401);
    const doc = (await api("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toContain("/api/v1/k8s/workloads");
    expect(doc.paths["/api/v1/k8s/workloads"].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["cluster", "cve", "image", "limit"]);
  });
});
