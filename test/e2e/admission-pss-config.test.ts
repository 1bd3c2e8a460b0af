// --pss-config against the real kube-apiserver running its own PodSecurity admission with the same
// AdmissionConfiguration file: for each pod (namespace with and without labels, exempt namespace,
// exempt runtime class, exempt and ordinary users), the webhook's decision (allowed, warnings)
// must equal the API server's own. Then the CLI webhook over HTTPS, `k8s scan --pss-config` on the
// pods the API server let in, and bad files refused in one line (exit 2).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admission } from "../../src/index.js";
import { startWebhook } from "../support/admission-webhook.js";
import { missingKube, requestAs, startKubeApiServer, type ClientCert, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const CONFIG = new URL("../../src/admission/testdata/pss-config/admission-configuration.yaml", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-pss-config-e2e-"));
const env = { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker"), HOME: work, KUBECONFIG: "" };
delete (env as Record<string, string | undefined>).KUBERNETES_SERVICE_HOST;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env, cwd: work, timeout: 120_000 });

describe.skipIf(missingKube("--pss-config tests") !== undefined || !existsSync(BIN))("--pss-config: the API server's own Pod Security admission as the reference", () => {
  let kube: KubeApiServer;
  let ciBot: ClientCert;
  let dev: ClientCert;
  let controller: InstanceType<typeof admission.AdmissionController>;
  const cfg = admission.loadPssConfig(CONFIG);

  const pod = (ns: string, name: string, spec: KubeObject = {}, container: KubeObject = {}): KubeObject => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec: { ...spec, containers: [{ name: "app", image: "registry.invalid/app:1", ...container }] },
  });
  const privileged = { securityContext: { privileged: true } };
  const hardened = { securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } };

  beforeAll(async () => {
    // The API server's PodSecurity plugin reads the very file the webhook and k8s scan get.
    kube = await startKubeApiServer({ extraArgs: ["--admission-control-config-file", CONFIG] });
    ciBot = kube.issueClientCert("ci-bot");
    dev = kube.issueClientCert("dev");
    await kube.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "legacy" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "open", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "tight", labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30" } } },
      { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "gvisor" }, handler: "runsc" },
      { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "kata" }, handler: "kata" },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "pod-maker" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] }] },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "pod-makers" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-maker" }, subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "ci-bot" }, { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "dev" }] },
    ]);
    const e = cfg.defaults.enforce;
    const namespaces = new admission.NamespaceLabels({ get: (path) => kube.request("GET", path), defaults: cfg.defaults });
    controller = new admission.AdmissionController({ rules: admission.ruleSelection(e.level, e.version.label), mode: "enforce", failMode: "closed", pssConfig: cfg, namespaces });
  }, 240_000);

  afterAll(async () => {
    await kube?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const cases: [string, string, KubeObject, "dev" | "ci-bot"][] = [
    ["privileged, namespace without labels (enforce default baseline)", "shop", pod("shop", "a", {}, privileged), "dev"],
    ["baseline but not restricted, namespace without labels (warn default restricted)", "shop", pod("shop", "b"), "dev"],
    ["hardened, namespace without labels", "shop", pod("shop", "c", {}, hardened), "dev"],
    ["privileged, exempt namespace", "legacy", pod("legacy", "d", {}, privileged), "dev"],
    ["privileged, exempt runtime class", "shop", pod("shop", "e", { runtimeClassName: "gvisor" }, privileged), "dev"],
    ["privileged, runtime class not exempt", "shop", pod("shop", "f", { runtimeClassName: "kata" }, privileged), "dev"],
    ["privileged, exempt user", "shop", pod("shop", "g", {}, privileged), "ci-bot"],
    ["privileged, enforce=privileged label (warn default restricted still applies)", "open", pod("open", "h", {}, privileged), "dev"],
    ["baseline, enforce=restricted label", "tight", pod("tight", "i"), "dev"],
    ["hardened, enforce=restricted label", "tight", pod("tight", "j", {}, hardened), "dev"],
  ];

  it("every decision equals the API server's own PodSecurity admission", async () => {
    const seen: string[] = [];
    for (const [what, ns, obj, user] of cases) {
      const api = await requestAs(kube, user === "ci-bot" ? ciBot : dev, "POST", `/api/v1/namespaces/${ns}/pods?dryRun=All`, obj);
      expect([201, 403], `${what}: ${JSON.stringify(api.body)}`).toContain(api.status);
      const ours = (await controller.validate({
        apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
        request: { uid: `u-${obj.metadata.name}`, kind: { group: "", version: "v1", kind: "Pod" }, namespace: ns, operation: "CREATE", object: obj, dryRun: true, userInfo: { username: user, groups: ["system:authenticated"] } },
      })).response;
      const apiAllowed = api.status === 201;
      expect(ours.allowed, `${what}: API server ${api.status} ${api.body.message ?? ""}; webhook ${ours.status?.message ?? "allowed"}`).toBe(apiAllowed);
      if (apiAllowed) expect((ours.warnings?.length ?? 0) > 0, `${what}: API warnings ${JSON.stringify(api.warnings)}; webhook ${JSON.stringify(ours.warnings)}`).toBe(api.warnings.some((w) => /PodSecurity/.test(w)));
      seen.push(`${apiAllowed ? "allow" : "deny"}${api.warnings.length ? "+warn" : ""}`);
      if (/, exempt/.test(what)) expect(ours.auditAnnotations!.pss, what).toMatch(/^exempt: /);
    }
    // Both answers occur: the comparison is not vacuous.
    expect(seen).toEqual(["deny", "allow+warn", "allow", "allow", "allow", "deny", "allow", "allow+warn", "deny", "allow"]);
  });

  it("the CLI webhook (--pss-config, namespace labels through the API) gives the same answers over HTTPS", async () => {
    const cert = kube.issueServerCert("webhook", ["127.0.0.1"]);
    const hook = await startWebhook(BIN, ["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--kubeconfig", kube.kubeconfigPath, "--pss-config", CONFIG], { cwd: work, env });
    try {
      expect(hook.log()).toMatch(/pss baseline \(defaults of .*admission-configuration\.yaml, 3 exemptions\)/);
      const ask = (obj: KubeObject, user: string) =>
        new Promise<KubeObject>((resolve, reject) => {
          const body = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u-1", kind: { group: "", version: "v1", kind: "Pod" }, namespace: obj.metadata.namespace, operation: "CREATE", object: obj, userInfo: { username: user } } });
          const req = https.request({ host: "127.0.0.1", port: hook.port, path: "/validate", method: "POST", ca: kube.caPem, headers: { "content-type": "application/json" } }, (res) => {
            let t = "";
            res.on("data", (c: Buffer) => (t += c.toString()));
            res.on("end", () => resolve(JSON.parse(t).response as KubeObject));
          });
          req.on("error", reject);
          req.end(body);
        });
      const denied = await ask(pod("shop", "x", {}, privileged), "dev");
      expect(denied.allowed).toBe(false);
      expect(denied.status.message).toContain("PodSecurityConfiguration defaults: enforce=baseline");
      const exempt = await ask(pod("shop", "y", {}, privileged), "ci-bot");
      expect(exempt.allowed).toBe(true);
      expect(exempt.auditAnnotations.pss).toBe("exempt: username ci-bot (PodSecurityConfiguration exemptions.usernames)");
      expect(hook.log()).toContain("Pod Security not checked, exempt: username ci-bot");
    } finally {
      await hook.stop();
    }
  });

  it("k8s scan --pss-config: the pods the API server let in are judged by the defaults, exempt ones reported exempt", async () => {
    // Created for real this time: by the exempt user, in the exempt namespace, with the exempt runtime class.
    expect((await requestAs(kube, ciBot, "POST", "/api/v1/namespaces/shop/pods", pod("shop", "by-bot", {}, privileged))).status).toBe(201);
    expect((await requestAs(kube, dev, "POST", "/api/v1/namespaces/shop/pods", pod("shop", "sandboxed", { runtimeClassName: "gvisor" }, privileged))).status).toBe(201);
    expect((await requestAs(kube, dev, "POST", "/api/v1/namespaces/legacy/pods", pod("legacy", "old", {}, privileged))).status).toBe(201);
    const out = join(work, "cluster.json");
    const r = cli(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--scanners", "package", "--pss-config", CONFIG, "-f", "json", "-o", out, "-q"]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8")) as { namespaces: KubeObject[]; workloads: KubeObject[] };
    const wl = (ref: string) => report.workloads.find((w) => w.ref === ref)!.pss;
    // k8s scan has no user: the exempt user's pod fails the enforced default.
    expect(wl("pod/by-bot -n shop")).toEqual({ level: "privileged", enforce: "baseline", version: "v1.36", violatesEnforce: true });
    expect(wl("pod/sandboxed -n shop")).toMatchObject({ violatesEnforce: false, exempt: "runtimeClass gvisor" });
    expect(wl("pod/old -n legacy")).toMatchObject({ violatesEnforce: false, exempt: "namespace legacy" });
    expect(report.namespaces.find((n) => n.name === "shop")!.pss).toEqual({ enforce: "baseline", labelled: false, version: "v1.36", fromDefaults: true });
    expect(report.namespaces.find((n) => n.name === "legacy")!.pss.exempt).toBe(true);
    // Without the file the same cluster enforces nothing in shop.
    const plain = cli(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--scanners", "package", "-f", "json", "-q"]);
    expect(plain.status, plain.stderr).toBe(0);
    const p = JSON.parse(plain.stdout) as { workloads: KubeObject[] };
    expect(p.workloads.find((w) => w.ref === "pod/by-bot -n shop")!.pss.violatesEnforce).toBe(false);
    // The table says where the level comes from.
    const table = cli(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--scanners", "package", "--pss-config", CONFIG, "-n", "legacy", "-n", "shop", "-q"]);
    expect(table.stdout).toContain("Namespace legacy  (Pod Security enforce: exempt (PodSecurityConfiguration)");
    expect(table.stdout).toContain("Namespace shop  (Pod Security enforce: baseline (PodSecurityConfiguration default)");
  }, 180_000);

  it("a bad file or --pss with --pss-config: one line, exit 2, before connecting or listening", () => {
    const bad = join(work, "bad.yaml");
    writeFileSync(bad, "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n");
    const cert = kube.issueServerCert("webhook-bad", ["127.0.0.1"]);
    for (const args of [
      ["admission", "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--no-namespace-labels", "--pss-config", bad],
      ["k8s", "scan", "--kubeconfig", join(work, "absent.kubeconfig"), "--pss-config", bad],
    ]) {
      const r = cli(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/defaults\.enforce must be privileged, baseline or restricted, got "strict"/);
    }
    const both = cli(["admission", "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--no-namespace-labels", "--pss-config", CONFIG, "--pss", "restricted"]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--pss-config .* excludes --pss$/m);
  });
});
