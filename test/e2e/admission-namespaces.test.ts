// The webhook applies each namespace's own Pod Security labels (pod-security.kubernetes.io/enforce,
// warn, audit and their -version), read through the real kube-apiserver with the RBAC that
// `admission install` prints, `--pss` being the level of namespaces without a label. The API
// server's own PodSecurity admission plugin is turned off here, so every decision seen is the
// webhook's, answered by the API server itself.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { admission } from "../../src/index.js";
import { adminRequest, missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";
import { startWebhook as startHook } from "../support/admission-webhook.js";
import { freePort } from "../support/registry-server.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-admission-ns-"));
const env = { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker"), HOME: work, KUBECONFIG: "" };
delete (env as Record<string, string | undefined>).KUBERNETES_SERVICE_HOST;

const startWebhook = (args: string[]) => startHook(BIN, args, { cwd: work, env: env });

describe.skipIf(missingKube("admission namespace-label tests") !== undefined || !existsSync(BIN))("admission: namespaces' Pod Security labels (real API server)", () => {
  let kube: KubeApiServer;
  let hook: Awaited<ReturnType<typeof startWebhook>>;

  const raw = (method: string, path: string, body: unknown) => adminRequest(kube, method, path, body);
  // Not privileged, but no runAsNonRoot, no seccomp profile, capabilities not dropped: baseline
  // allows it, restricted does not.
  const pod = (ns: string, name: string, container: KubeObject = {}): KubeObject => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec: { containers: [{ name: "app", image: "registry.invalid/app:1", ...container }] },
  });
  const create = (obj: KubeObject, query = "") => raw("POST", `/api/v1/namespaces/${obj.metadata.namespace}/pods${query}`, obj);
  const ns = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "bulwark-test": "nslabels", ...labels } } });
  async function until(probe: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    // The harness disables ServiceAccount; PodSecurity is added (the flag's values accumulate).
    kube = await startKubeApiServer({ extraArgs: ["--disable-admission-plugins", "PodSecurity"] });
    // The RBAC `admission install` prints, applied as is; the webhook runs as its ServiceAccount.
    const out = spawnSync(process.execPath, [BIN, "admission", "install", "--namespace", "bulwark-system"], { encoding: "utf8", cwd: work, env });
    expect(out.status, out.stderr).toBe(0);
    const rbac = parseAllDocuments(out.stdout).map((d) => d.toJS() as KubeObject).filter((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding");
    expect(rbac.map((d) => d.kind)).toEqual(["ClusterRole", "ClusterRoleBinding"]);
    await kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "bulwark-system" } }, ...rbac]);
    const sa = kube.issueClientCert("system:serviceaccount:bulwark-system:bulwark-admission", ["system:serviceaccounts", "system:serviceaccounts:bulwark-system"]);
    const kubeconfig = kube.writeKubeconfig("webhook-sa", sa, join(work, "sa.kubeconfig"));
    await kube.apply([
      ns("ns-baseline", { "pod-security.kubernetes.io/enforce": "baseline" }),
      ns("ns-restricted", { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30" }),
      ns("ns-plain", {}),
      ns("ns-warned", { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" }),
      ns("ns-open", { "pod-security.kubernetes.io/enforce": "privileged" }),
    ]);
    const cert = kube.issueServerCert("webhook", ["127.0.0.1"]);
    hook = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--kubeconfig", kubeconfig, "--pss", "baseline", "--namespace-ttl", "1s"]);
    await kube.apply({
      apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "bulwark-ns" },
      webhooks: [{
        name: "bulwark-ns.bulwark.dev", admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy: "Fail", timeoutSeconds: 10,
        clientConfig: { url: `https://127.0.0.1:${hook.port}/validate`, caBundle: Buffer.from(kube.caPem).toString("base64") },
        namespaceSelector: { matchLabels: { "bulwark-test": "nslabels" } }, rules: admission.rulesByGroup(),
      }],
    });
    await until(async () => (await create(pod("ns-plain", "probe", { securityContext: { privileged: true } }), "?dryRun=All")).status === 403, "the webhook to be called");
  }, 240_000);

  afterAll(async () => {
    await hook?.stop();
    await kube?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("the same pod is admitted in the baseline namespace and denied in the restricted one, by the API server", async () => {
    const ok = await create(pod("ns-baseline", "web"));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await kube.request("GET", "/api/v1/namespaces/ns-baseline/pods/web")).status).toBe(200);
    const denied = await create(pod("ns-restricted", "web"));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('admission webhook "bulwark-ns.bulwark.dev" denied the request');
    expect(denied.body.message).toMatch(/bulwark denied Pod ns-restricted\/web: \[BW-K8S-0\d\d/);
    expect(denied.body.message).toContain("pod-security.kubernetes.io/enforce=restricted");
    expect((await kube.request("GET", "/api/v1/namespaces/ns-restricted/pods/web")).status).toBe(404);
    // A pod meeting restricted is admitted there.
    const hardened = pod("ns-restricted", "hardened", { securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } });
    const r = await create(hardened);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });

  it("a namespace without a label gets --pss (baseline): privileged denied, the plain pod admitted; enforce=privileged admits privileged", async () => {
    expect((await create(pod("ns-plain", "web"))).status).toBe(201);
    const priv = await create(pod("ns-plain", "priv", { securityContext: { privileged: true } }));
    expect(priv.status).toBe(403);
    expect(priv.body.message).toContain("[BW-K8S-004 Privileged container]");
    expect(priv.body.message).not.toContain("pod-security.kubernetes.io/enforce=");
    expect((await create(pod("ns-open", "priv", { securityContext: { privileged: true } }))).status).toBe(201);
  });

  it("warn and audit labels: admitted, with the restricted violations as API warnings", async () => {
    const r = await create(pod("ns-warned", "web"));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const warnings = r.warnings.join("\n");
    expect(warnings).toMatch(/bulwark: \[BW-K8S-0\d\d/);
    expect(warnings).toContain("pod-security.kubernetes.io/warn=restricted");
    expect(hook.log()).toMatch(/allow Pod ns-warned\/web: \d+ violations?/);
    // Baseline is still enforced there.
    expect((await create(pod("ns-warned", "priv", { securityContext: { privileged: true } }))).status).toBe(403);
  });

  it("a label changed on the namespace applies within the bounded staleness (ttl 1s, stale use up to 6s)", async () => {
    const ns0 = (await kube.request("GET", "/api/v1/namespaces/ns-baseline")).body;
    ns0.metadata.labels["pod-security.kubernetes.io/enforce"] = "restricted";
    expect((await kube.request("PUT", "/api/v1/namespaces/ns-baseline", ns0)).status).toBe(200);
    const changed = Date.now();
    await until(async () => (await create(pod("ns-baseline", "later"), "?dryRun=All")).status === 403, "the new label to apply", 15_000);
    expect(Date.now() - changed).toBeLessThan(12_000);
  });

  it("credentials that cannot read namespaces: the webhook refuses to start with one line, exit 2", async () => {
    const nobody = kube.issueClientCert("nobody");
    const kc = kube.writeKubeconfig("nobody", nobody, join(work, "nobody.kubeconfig"));
    const cert = kube.issueServerCert("webhook2", ["127.0.0.1"]);
    const port = await freePort();
    const r = spawnSync(process.execPath, [BIN, "admission", "serve", "--listen", `127.0.0.1:${port}`, "--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--kubeconfig", kc], { encoding: "utf8", env, timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot list namespaces .*HTTP 403.*get\/list\/watch on namespaces/);
    // --no-namespace-labels starts (and applies --pss everywhere).
    const ok = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--kubeconfig", kc, "--no-namespace-labels"]);
    expect(ok.log()).toContain("namespace labels from none");
    await ok.stop();
  });
});
