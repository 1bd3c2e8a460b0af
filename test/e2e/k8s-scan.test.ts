// `bulwark k8s scan` against a real kube-apiserver and a real registry: the rules of `bulwark
// config` on live objects (cross-checked with `bulwark config` on the same objects), per-namespace
// Pod Security levels, running images from pod status digests scanned once (cross-checked with
// `bulwark scan` of the same digest), the cluster's versions matched against real Go advisories,
// the exposure ranking, 403s, and the output formats.
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { importPaths, updateDb } from "../../src/index.js";
import { buildImage } from "../support/image-builder.js";
import { missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const root = new URL("../../", import.meta.url).pathname;
const BIN = join(root, "dist/src/cli/main.js");
const MIRROR = join(root, "examples/osv-mirror");
const GO_K8S = join(root, "test/fixtures/go-vulndb-kubernetes/data/osv");
const work = mkdtempSync(join(tmpdir(), "bw-k8s-scan-"));
const DB = join(work, "advisories.sqlite");

function bulwark(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), BULWARK_DB: DB, DOCKER_CONFIG: join(work, "nodocker"), KUBECONFIG: join(work, "none") }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI without blocking the event loop (the test serves HTTP meanwhile). */
function bulwarkAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), BULWARK_DB: DB, DOCKER_CONFIG: join(work, "nodocker"), KUBECONFIG: join(work, "none"), BULWARK_TOKEN: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const JINJA_METADATA = "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.4\nSummary: A very fast and expressive template engine.\n";
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n';

describe.skipIf(missingKube("k8s scan tests") !== undefined || missingTool("k8s scan tests", REGISTRY_TOOLS) !== undefined || !existsSync(BIN))("bulwark k8s scan on a real API server", () => {
  let kube: KubeApiServer;
  let reg: RegistryServer;
  let digest: string;
  let imageRef: string;

  beforeAll(async () => {
    [kube, reg] = await Promise.all([startKubeApiServer(), startRegistry()]);
    const img = await buildImage({
      layers: [
        { createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: OS_RELEASE }] },
        { createdBy: "RUN pip install jinja2==3.1.4", entries: [{ path: "app/venv/lib/python3.11/site-packages/jinja2-3.1.4.dist-info/METADATA", content: JINJA_METADATA }] },
      ],
    }, "docker");
    const pushed = await pushImage(`${reg.host}/shop/web:1.0`, img);
    digest = pushed.digest;
    imageRef = `${reg.host}/shop/web@${digest}`;
    await updateDb(DB, { ecosystems: ["PyPI"], repository: MIRROR });
    await importPaths(DB, [GO_K8S]);

    const created = await kube.apply([
      // The Pod Security labels come after the pods (below): the admission controller would refuse them.
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "batch" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "legacy" } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "web", namespace: "shop" } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "secret-reader" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }] },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "web-reads-secrets" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "secret-reader" }, subjects: [{ kind: "ServiceAccount", name: "web", namespace: "shop" }] },
      {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
        spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { serviceAccountName: "web", containers: [{ name: "web", image: `${reg.host}/shop/web:1.0` }] } } },
      },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
      { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "shop" }, spec: { rules: [{ host: "shop.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "report", namespace: "batch" }, spec: { restartPolicy: "Never", automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "report", image: `${reg.host}/shop/web:1.0`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }] } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "agent", namespace: "legacy" }, spec: { containers: [{ name: "agent", image: "busybox:1.36", securityContext: { privileged: true } }], volumes: [{ name: "root", hostPath: { path: "/" } }] } },
      { apiVersion: "v1", kind: "Node", metadata: { name: "node-1" } },
    ]);
    const deployment = created.find((o) => o.kind === "Deployment")!;
    // No controllers run: the ReplicaSet and its pod are made by hand, owned as the controllers would.
    const [rs] = await kube.apply({
      apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-5d9c", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: deployment.metadata.uid, controller: true }] },
      spec: { selector: { matchLabels: { app: "web" } }, template: deployment.spec.template },
    });
    const [pod] = await kube.apply({
      apiVersion: "v1", kind: "Pod", metadata: { name: "web-5d9c-x1", namespace: "shop", labels: { app: "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d9c", uid: rs!.metadata.uid, controller: true }] },
      spec: deployment.spec.template.spec,
    });
    const running = (name: string, image: string, id: string) => ({ phase: "Running", containerStatuses: [{ name, image, imageID: id, ready: true, restartCount: 0, started: true, state: { running: {} } }] });
    await kube.updateStatus(pod!, running("web", `${reg.host}/shop/web:1.0`, imageRef));
    await kube.updateStatus(created.find((o) => o.metadata.name === "report")!, running("report", `${reg.host}/shop/web:1.0`, `docker-pullable://${imageRef}`));
    await kube.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30" } } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "legacy", labels: { "pod-security.kubernetes.io/enforce": "baseline" } } },
    ]);
    // The real admission controller now refuses such a pod: the scan reports those that predate the label.
    await expect(kube.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "agent2", namespace: "legacy" }, spec: { containers: [{ name: "a", image: "busybox", securityContext: { privileged: true } }] } })).rejects.toThrow(/HTTP 403 .*violates PodSecurity .*baseline:latest/);
    await kube.updateStatus(created.find((o) => o.kind === "Node")!, { nodeInfo: { kubeletVersion: "v1.27.1", kubeProxyVersion: "v1.27.1", containerRuntimeVersion: "containerd://1.6.12", osImage: "Debian GNU/Linux 12 (bookworm)", machineID: "", systemUUID: "", bootID: "", kernelVersion: "6.1.0", operatingSystem: "linux", architecture: "amd64" } });
  }, 240_000);
  afterAll(async () => {
    await Promise.all([kube?.stop(), reg?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  let report: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const scanJson = () => {
    if (!report) {
      const r = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--format", "json", "--offline", "--db", DB, "-q"]);
      expect(r.code, r.stderr).toBe(0);
      report = JSON.parse(r.stdout);
    }
    return report;
  };

  it("runs the config rules on the live objects, with kubectl references and no lines", () => {
    const rep = scanJson();
    expect(rep.kind).toBe("kubernetes-cluster");
    expect(rep.cluster.server).toBe(kube.url);
    expect(rep.errors).toEqual([]);
    const priv = rep.misconfigurations.filter((m: { path: string }) => m.path === "pod/agent -n legacy");
    expect(priv.map((m: { ruleId: string }) => m.ruleId)).toEqual(expect.arrayContaining(["BW-K8S-004", "BW-K8S-006"]));
    expect(priv.every((m: { line?: number }) => m.line === undefined)).toBe(true);
    // The ReplicaSet and the pod the Deployment owns are checked through the Deployment only.
    expect(rep.misconfigurations.some((m: { path: string }) => m.path.startsWith("replicaset/") || m.path === "pod/web-5d9c-x1 -n shop")).toBe(false);
    expect(rep.workloads.map((w: { ref: string }) => w.ref)).toEqual(["pod/report -n batch", "pod/agent -n legacy", "deployment/web -n shop"]);
  });

  it("gives the same findings as bulwark config on the same objects, at each namespace's PSS version", async () => {
    const rep = scanJson();
    for (const [ns, version] of [["legacy", "latest"], ["shop", "v1.30"]] as const) {
      const objects: KubeObject[] = [];
      for (const [path, kind, apiVersion] of [["/apis/apps/v1/namespaces/NS/deployments", "Deployment", "apps/v1"], ["/api/v1/namespaces/NS/serviceaccounts", "ServiceAccount", "v1"], ["/api/v1/namespaces/NS/services", "Service", "v1"], ["/apis/networking.k8s.io/v1/namespaces/NS/ingresses", "Ingress", "networking.k8s.io/v1"], ["/api/v1/namespaces/NS/pods", "Pod", "v1"]] as const) {
        const r = await kube.request("GET", path.replace("NS", ns));
        for (const o of r.body.items) if (!(o.metadata.ownerReferences ?? []).length) objects.push({ ...o, kind, apiVersion });
      }
      const file = join(work, `${ns}.json`);
      writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
      const c = bulwark(["config", file, "--format", "json", "--pss-version", version]);
      expect(c.code, c.stderr).toBe(0);
      const key = (m: { ruleId: string; resource?: { kind: string; name: string; container?: string } }) => `${m.ruleId} ${m.resource?.kind}/${m.resource?.name}/${m.resource?.container ?? ""}`;
      const fromConfig = JSON.parse(c.stdout).misconfigurations.map(key).sort();
      const live = rep.misconfigurations.filter((m: { resource?: { namespace?: string } }) => m.resource?.namespace === ns).map(key).sort();
      expect(fromConfig.length).toBeGreaterThan(0);
      expect(live, ns).toEqual(fromConfig);
    }
  });

  it("judges each workload against its namespace's enforced Pod Security level", () => {
    const rep = scanJson();
    const w = (ref: string) => rep.workloads.find((x: { ref: string }) => x.ref === ref);
    expect(w("deployment/web -n shop").pss).toEqual({ level: "baseline", enforce: "restricted", version: "v1.30", violatesEnforce: true });
    expect(w("pod/agent -n legacy").pss).toEqual({ level: "privileged", enforce: "baseline", version: "v1.36", violatesEnforce: true });
    expect(w("pod/report -n batch").pss).toMatchObject({ level: "restricted", enforce: "privileged", violatesEnforce: false });
    expect(rep.namespaces.find((n: { name: string }) => n.name === "batch").pss).toEqual({ enforce: "privileged", labelled: false, version: "v1.36" });
    expect(rep.namespaces.find((n: { name: string }) => n.name === "shop")).toMatchObject({ workloads: 1, violating: 1 });
    // PSS findings of shop name the version its label pins.
    const pssFinding = rep.misconfigurations.find((m: { path: string; references: { pss?: unknown } }) => m.path === "deployment/web -n shop" && m.references.pss);
    expect(pssFinding.references.pss.version).toBe("v1.30");
  });

  it("scans each running image once by digest and attaches it to the workloads (same result as bulwark scan)", () => {
    const rep = scanJson();
    expect(rep.images).toHaveLength(1);
    const img = rep.images[0];
    expect(img.digest).toBe(digest);
    expect(img.references).toEqual([imageRef]);
    expect(img.workloads.sort()).toEqual(["deployment/web -n shop", "pod/report -n batch"]);
    expect(img.status).toBe("scanned");
    const direct = bulwark(["scan", `registry:${imageRef}`, "--format", "json", "--offline", "--db", DB, "-q"]);
    expect(direct.code, direct.stderr).toBe(0);
    const ids = JSON.parse(direct.stdout).vulnerabilities.map((v: { id: string }) => v.id).sort();
    expect(ids.length).toBeGreaterThan(0);
    expect(img.vulnerabilities.map((v: { id: string }) => v.id).sort()).toEqual(ids);
    const web = rep.workloads.find((x: { ref: string }) => x.ref === "deployment/web -n shop");
    expect(web.pods).toBe(1);
    expect(web.images).toEqual([{ container: "web", image: `${reg.host}/shop/web:1.0`, imageID: imageRef, pullRef: imageRef, digest }]);
    const total = Object.entries(web.vulnerabilities).filter(([k]) => k !== "fixable").reduce((n, [, v]) => n + (v as number), 0);
    expect(total).toBe(ids.length);
  });

  it("matches the API server, kubelet and runtime versions against the Go advisories", () => {
    const rep = scanJson();
    const comp = (name: string) => rep.components.find((c: { component: string }) => c.component === name);
    expect(comp("kubelet")).toMatchObject({ version: "v1.27.1", module: "k8s.io/kubernetes", where: ["node-1"] });
    // v1.27.1: GO-2023-1864 (fixed 1.27.2), GO-2023-1891 (fixed 1.27.3), GO-2024-2994 (fixed 1.27.16), GO-2025-3547 (no fix).
    expect(comp("kubelet").vulnerabilities.map((v: { source: { id: string } }) => v.source.id).sort()).toEqual(["GO-2023-1864", "GO-2023-1891", "GO-2024-2994", "GO-2025-3547"]);
    // The test API server (v1.36.x) is only in the unfixed one.
    expect(comp("kube-apiserver").vulnerabilities.map((v: { source: { id: string } }) => v.source.id)).toEqual(["GO-2025-3547"]);
    // containerd 1.6.12: GO-2023-1574 (fixed 1.6.18), GO-2025-3528 (fixed 1.6.38).
    expect(comp("containerd")).toMatchObject({ module: "github.com/containerd/containerd", version: "v1.6.12" });
    expect(comp("containerd").vulnerabilities.map((v: { source: { id: string } }) => v.source.id).sort()).toEqual(["GO-2023-1574", "GO-2025-3528"]);
  });

  it("ranks the exposed workload whose account reads every secret first, with the chain as evidence", () => {
    const rep = scanJson();
    const [top, ...rest] = rep.risks;
    expect(top.workload).toBe("deployment/web -n shop");
    expect(top.chain[0]).toBe("entry: ingress/web -n shop (shop.example/) -> service/web -n shop");
    expect(top.chain).toContain("account: serviceaccount/web -n shop can read every secret");
    expect(top.factors.map((f: { factor: string }) => f.factor)).toEqual(expect.arrayContaining(["exposure", "vulnerability", "root", "service-account"]));
    // The batch pod runs the same image, unexposed, as non-root without a token: ranked below.
    const batch = rest.find((r: { workload: string }) => r.workload === "pod/report -n batch");
    if (batch) expect(batch.score).toBeLessThan(top.score);
    expect(rep.risks.find((r: { workload: string }) => r.workload === "pod/agent -n legacy").chain).toContain("host: privileged container; hostPath /");
  });

  it("applies users' CEL policies (--policy-dir) to the live objects, at their kubectl references", () => {
    const dir = join(work, "policies");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "team-label.yaml"), [
      "apiVersion: admissionregistration.k8s.io/v1",
      "kind: ValidatingAdmissionPolicy",
      "metadata:",
      "  name: require-team-label",
      "  annotations: { bulwark.dev/severity: HIGH }",
      "spec:",
      "  matchConstraints:",
      "    resourceRules:",
      "    - apiGroups: [\"\", \"apps\"]",
      "      apiVersions: [\"v1\"]",
      "      operations: [\"CREATE\", \"UPDATE\"]",
      "      resources: [\"pods\", \"deployments\"]",
      "  validations:",
      "  - expression: \"has(object.metadata.labels) && 'team' in object.metadata.labels\"",
      "    message: every workload names its team",
      "",
    ].join("\n"));
    const r = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--format", "json", "--no-images", "--policy-dir", dir, "-q"]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    const cel = rep.misconfigurations.filter((m: { ruleId: string }) => m.ruleId === "require-team-label");
    // Exactly the workloads without the label: every one here (the pods a Deployment owns are
    // judged through the Deployment, as with the built-in rules).
    expect(cel.map((m: { path: string }) => m.path).sort()).toEqual([...rep.workloads.map((w: { ref: string }) => w.ref)].sort());
    expect(cel.every((m: { severity: string; message: string }) => m.severity === "HIGH" && m.message.startsWith("every workload names its team"))).toBe(true);
    // A broken policy is one line and exit 2.
    writeFileSync(join(dir, "broken.yaml"), "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: { name: broken }\nspec:\n  validations:\n  - expression: \"object.(\"\n");
    const bad = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--policy-dir", dir, "-q"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("table and SARIF outputs", () => {
    const t = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--offline", "--db", DB, "--no-images"]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain("Namespace shop  (Pod Security enforce: restricted, version v1.30; 1 workload(s) violate it)");
    expect(t.stdout).toMatch(/Top risks\n {2}1\. deployment\/web -n shop {2}score \d+/);
    expect(t.stdout).toMatch(/kubelet\s+v1\.27\.1\s+GO-2023-1864|kubelet\s+v1\.27\.1\s+CVE-2023-2431/);
    const s = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--offline", "--db", DB, "--format", "sarif", "-q"]);
    expect(s.code, s.stderr).toBe(0);
    const sarif = JSON.parse(s.stdout);
    const uris = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain("shop/deployment/web");
    expect(uris).toContain("legacy/pod/agent");
    expect(uris.every((u: string) => !/\s/.test(u))).toBe(true);
  });

  it("--server sends each running image's inventory (a recording endpoint; the real server is another branch)", async () => {
    const seen: { auth?: string; body: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    let status = 201;
    const srv = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.url === "/base/api/v1/reports" && req.method === "POST") seen.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(status, { "content-type": "application/json" });
        res.end(status === 201 ? '{"digest":"x","scanId":"1"}' : '{"error":{"message":"bad token"}}');
      });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/base`;
    try {
      const token = "bw_token_secret_value";
      const r = await bulwarkAsync(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--offline", "--db", DB, "--format", "json", "--server", url, "--token", token]);
      expect(r.code, r.stderr).toBe(0);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.auth).toBe(`Bearer ${token}`);
      expect(seen[0]!.body).toMatchObject({ schemaVersion: 1, artifact: { type: "registry", digest }, vulnerabilities: [] });
      expect(seen[0]!.body.packages.map((p: { name: string }) => p.name)).toContain("Jinja2");
      expect(r.stdout + r.stderr).not.toContain(token);
      status = 401;
      const refused = await bulwarkAsync(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--offline", "--db", DB, "--format", "json", "--server", url, "--token", token]);
      expect(refused.code).toBe(0);
      expect(refused.stderr).toMatch(/bulwark: warning: .*upload to http:\/\/127\.0\.0\.1:\d+ refused \(HTTP 401\): .*bad token/);
      expect(JSON.parse(refused.stdout).errors.find((e: { source: string }) => e.source === "upload")).toBeDefined();
      expect(bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--server", url]).stderr).toContain("--server needs a token");
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });

  it("a user bound to one narrow Role: 403s are warnings, the rest is scanned", async () => {
    await kube.apply([
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "pods", namespace: "legacy" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }] },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "auditor-pods", namespace: "legacy" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pods" }, subjects: [{ kind: "User", name: "auditor" }] },
    ]);
    const kc = kube.writeKubeconfig("auditor", kube.issueClientCert("auditor"));
    const r = bulwark(["k8s", "scan", "--kubeconfig", kc, "-n", "legacy", "--format", "json", "--no-images", "--offline", "--db", DB]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.scope).toEqual(["legacy"]);
    expect(rep.workloads.map((w: { ref: string }) => w.ref)).toEqual(["pod/agent -n legacy"]);
    expect(rep.misconfigurations.some((m: { ruleId: string }) => m.ruleId === "BW-K8S-004")).toBe(true);
    expect(rep.errors.find((e: { resource: string }) => e.resource === "deployments.apps")).toMatchObject({ status: 403, namespace: "legacy" });
    expect(r.stderr).toMatch(/bulwark: warning: deployments\.apps in legacy: HTTP 403: .*"auditor"/);
    // Without the namespace label (namespaces are forbidden too), the level is unknown and taken as privileged.
    expect(rep.workloads[0].pss.enforce).toBe("privileged");
  });

  it("bad input: one line, exit 2", () => {
    const a = bulwark(["k8s", "scan", "--kubeconfig", join(work, "missing.yaml")]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^bulwark: kubeconfig .*missing\.yaml: no such file\n$/);
    const b = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--context", "prod"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe('bulwark: no context "prod" in the kubeconfig (contexts: admin)\n');
    const c = bulwark(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "-n", "x", "-A"]);
    expect(c.code).toBe(2);
    const bad = join(work, "bad.yaml");
    writeFileSync(bad, "apiVersion: v1\nkind: Config\nclusters: [\n");
    const d = bulwark(["k8s", "scan", "--kubeconfig", bad]);
    expect(d.code).toBe(2);
    expect(d.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(d.stderr).not.toMatch(/\n\s+at /);
  });
});
