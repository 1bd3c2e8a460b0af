// Kubernetes audit rules on events written by a real kube-apiserver (with etcd), read by the CLI:
// `bulwark runtime watch --source k8s-audit --audit-log FILE`, and the webhook receiver fed by
// the same API server's webhook backend.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingOnHost, missingTool } from "../support/tools.js";
import { fixturePath } from "../support/upstream.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const APISERVER = process.env["BULWARK_KUBE_APISERVER"] ?? "/opt/kube/kube-apiserver";
const WHAT = "runtime k8s-audit tests";
const why =
  missingTool(WHAT, ["etcd", "openssl"]) ??
  missingOnHost(WHAT, existsSync(APISERVER), `no kube-apiserver binary (set BULWARK_KUBE_APISERVER; see docs/runtime.md)`) ??
  missingOnHost(WHAT, existsSync(BIN), "the CLI is not built (npm run build)");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== undefined)("bulwark runtime watch --source k8s-audit (real kube-apiserver)", () => {
  const dir = mkdtempSync(join(tmpdir(), "bw-k8saudit-"));
  const procs: ChildProcess[] = [];
  let port = 0;
  const auditLog = join(dir, "audit.log");
  let whPort = 0;
  let webhook: ChildProcess | undefined;
  let webhookOut = "";
  let webhookErr = "";
  const apiLog: string[] = [];

  const ssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const api = (method: string, path: string, body?: unknown, auth: "admin" | { token: string } | "anonymous" = "admin"): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1", port, method, path, ca: readFileSync(join(dir, "ca.crt")),
          ...(auth === "admin" ? { cert: readFileSync(join(dir, "admin.crt")), key: readFileSync(join(dir, "admin.key")) } : {}),
          headers: { "content-type": "application/json", ...(typeof auth === "object" ? { authorization: `Bearer ${auth.token}` } : {}) },
        },
        (res) => {
          let b = "";
          res.on("data", (c) => (b += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: b }));
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  beforeAll(async () => {
    // The webhook receiver first: the API server's webhook backend posts to it.
    whPort = await freePort();
    webhook = spawn(process.execPath, [BIN, "runtime", "watch", "--source", "k8s-audit", "--webhook-listen", `127.0.0.1:${whPort}`, "--dedupe", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca"]);
    ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr", "-subj", "/CN=kube-apiserver"]);
    writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    ssl(["x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "apiserver.crt", "-days", "2", "-extfile", "san.ext"]);
    ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "admin.key", "-out", "admin.csr", "-subj", "/O=system:masters/CN=admin"]);
    ssl(["x509", "-req", "-in", "admin.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "admin.crt", "-days", "2"]);
    ssl(["genrsa", "-out", "sa.key", "2048"]);
    ssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
    writeFileSync(join(dir, "policy.yaml"), "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Request\n");
    writeFileSync(join(dir, "webhook.kubeconfig"), `apiVersion: v1\nkind: Config\nclusters:\n- name: bulwark\n  cluster:\n    server: http://127.0.0.1:${whPort}/\ncontexts:\n- name: default\n  context:\n    cluster: bulwark\n    user: ""\ncurrent-context: default\nusers: []\n`);
    const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
    port = await freePort();
    const etcd = spawn("etcd", ["--data-dir", join(dir, "etcd"), "--listen-client-urls", `http://127.0.0.1:${etcdClient}`, "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`, "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`, "--initial-cluster", `default=http://127.0.0.1:${etcdPeer}`, "--unsafe-no-fsync"], { stdio: "ignore" });
    procs.push(etcd);
    const apiserver = spawn(APISERVER, [
      "--etcd-servers", `http://127.0.0.1:${etcdClient}`, "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String(port),
      "--tls-cert-file", join(dir, "apiserver.crt"), "--tls-private-key-file", join(dir, "apiserver.key"), "--client-ca-file", join(dir, "ca.crt"),
      "--authorization-mode", "RBAC", "--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", join(dir, "sa.pub"),
      "--service-account-signing-key-file", join(dir, "sa.key"), "--service-cluster-ip-range", "10.0.0.0/24", "--disable-admission-plugins", "ServiceAccount",
      "--allow-privileged=true", "--endpoint-reconciler-type", "none",
      "--audit-policy-file", join(dir, "policy.yaml"), "--audit-log-path", auditLog, "--audit-log-format", "json",
      "--audit-webhook-config-file", join(dir, "webhook.kubeconfig"), "--audit-webhook-mode", "blocking",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    apiserver.stderr!.on("data", (c: Buffer) => {
      for (const l of c.toString().split("\n")) if (/webhook/i.test(l) && apiLog.length < 20) apiLog.push(l.slice(0, 300));
    });
    procs.push(apiserver);
    webhook.stdout!.on("data", (c: Buffer) => (webhookOut += c.toString()));
    webhook.stderr!.on("data", (c: Buffer) => (webhookErr += c.toString()));
    for (let i = 0; i < 120; i++) {
      const r = await api("GET", "/readyz").catch(() => undefined);
      if (r?.status === 200) break;
      await sleep(500);
    }
  }, 120_000);

  afterAll(async () => {
    // The API server first (its blocking webhook backend would wait for the receiver), then etcd,
    // then the receiver; SIGKILL whatever has not exited after 5 s.
    const stop = async (p: ChildProcess | undefined): Promise<void> => {
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise<void>((r) => p.once("exit", () => r()));
      p.kill("SIGTERM");
      const t = setTimeout(() => p.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    };
    for (const p of procs.reverse()) await stop(p);
    await stop(webhook);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("fires the default Kubernetes rules on the API server's own audit log, and the webhook receiver sees the same events", async () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "prod" } };
    expect((await api("POST", "/api/v1/namespaces", ns)).status).toBe(201);
    const pod = {
      apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "prod" },
      spec: { containers: [{ name: "c", image: "busybox:1.36", securityContext: { privileged: true } }], volumes: [{ name: "root", hostPath: { path: "/" } }] },
    };
    expect((await api("POST", "/api/v1/namespaces/prod/pods", pod)).status).toBe(201);
    expect((await api("POST", "/api/v1/namespaces/prod/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "prod" }, stringData: { password: "hunter2" } })).status).toBe(201);
    expect((await api("POST", "/api/v1/namespaces/prod/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "builder", namespace: "prod" } })).status).toBe(201);
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "read-secrets", namespace: "prod" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] };
    expect((await api("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/prod/roles", role)).status).toBe(201);
    const binding = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "builder-secrets", namespace: "prod" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-secrets" }, subjects: [{ kind: "ServiceAccount", name: "builder", namespace: "prod" }] };
    expect((await api("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/prod/rolebindings", binding)).status).toBe(201);
    const tr = await api("POST", "/api/v1/namespaces/prod/serviceaccounts/builder/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600 } });
    expect(tr.status).toBe(201);
    const token = (JSON.parse(tr.body) as { status: { token: string } }).status.token;
    expect((await api("GET", "/api/v1/namespaces/prod/secrets/db", undefined, { token })).status).toBe(200);
    // exec into the pod (it has no node, so the API server refuses, but the request is audited)
    await api("POST", "/api/v1/namespaces/prod/pods/web/exec?command=sh&stdin=true&stdout=true");
    // anonymous: /version is open to system:unauthenticated by the default RBAC roles
    expect((await api("GET", "/version", undefined, "anonymous")).status).toBe(200);
    await sleep(1500);

    const r = spawnSync(process.execPath, [BIN, "runtime", "watch", "--source", "k8s-audit", "--audit-log", auditLog, "--from-start", "--no-follow", "--dedupe", "0"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(0);
    const alerts = r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { rule: string; output: string; output_fields: Record<string, unknown> });
    const rules = alerts.map((a) => a.rule);
    expect(rules.filter((x) => x === "Privileged workload created")).toHaveLength(1);
    expect(rules.filter((x) => x === "HostPath volume in a workload")).toHaveLength(1);
    expect(rules.filter((x) => x === "Exec or attach into a pod")).toHaveLength(1);
    expect(alerts.find((a) => a.rule === "Exec or attach into a pod")!.output).toContain("command=sh");
    const secret = alerts.filter((a) => a.rule === "Secret read by an unusual service account");
    expect(secret).toHaveLength(1);
    expect(secret[0]!.output_fields["ka.user.name"]).toBe("system:serviceaccount:prod:builder");
    expect(rules.filter((x) => x === "RBAC object changed")).toHaveLength(2);
    expect(alerts.filter((a) => a.rule === "Anonymous request allowed").length).toBeGreaterThanOrEqual(1);
    // The password never appears (the policy logs requests, and secrets' bodies are not alert fields).
    expect(r.stdout).not.toContain("hunter2");
    expect(r.stderr).toMatch(/runtime watch: \d+ events/);

    // Falco's own Kubernetes audit rules (k8saudit plugin) on the same log, instead of ours.
    const falcoRules = fixturePath("falco-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml");
    const f = spawnSync(process.execPath, [BIN, "runtime", "watch", "--source", "k8s-audit", "--audit-log", auditLog, "--from-start", "--no-follow", "--dedupe", "0", "--no-default-rules", "--rules", falcoRules], { encoding: "utf8", timeout: 60_000 });
    expect(f.status).toBe(0);
    const falco = f.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { rule: string; output: string });
    const fired = new Set(falco.map((a) => a.rule));
    for (const rule of ["Create Privileged Pod", "Create Sensitive Mount Pod", "Create Disallowed Namespace", "K8s Secret Get Successfully", "K8s Serviceaccount Created", "Anonymous Request Allowed"]) expect(fired).toContain(rule);
    expect(falco.find((a) => a.rule === "Create Privileged Pod")!.output).toContain("images=(busybox:1.36)");
    expect(fired).not.toContain("Disallowed K8s User"); // "admin" is in Falco's allowed_k8s_users

    // The webhook receiver got the same events from the API server's webhook backend.
    for (let i = 0; i < 40 && !webhookOut.includes("Secret read by an unusual service account"); i++) await sleep(250);
    if (!webhookOut) console.log(`webhook receiver stderr: ${webhookErr}\napiserver: ${apiLog.join("\n")}`);
    const hooked = webhookOut.trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { rule: string }).rule);
    expect(hooked).toContain("Secret read by an unusual service account");
    expect(hooked).toContain("Privileged workload created");
  }, 120_000);
});
