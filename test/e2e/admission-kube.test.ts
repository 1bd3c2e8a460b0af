// The admission webhook against the real kube-apiserver (test/support/kube-apiserver.ts) and a
// real docker-registry: `bulwark admission serve` is started as the CLI on 127.0.0.1 with a
// certificate from the cluster's CA, registered through the API with a ValidatingWebhookConfiguration
// (url: https://127.0.0.1:PORT/validate), and Pods and Deployments created through the API are
// admitted or denied by the API server itself. Images (clean, vulnerable, root, unsigned, from a
// forbidden repository) are pushed to the registry; vulnerabilities come from a small OSV database
// imported with `bulwark db import`; signatures are made with `signImage` and checked by the
// cosign verifier the CLI wires in.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { pushImage } from "../../src/image/registry/push.js";
import { admission, signImage } from "../../src/index.js";
import { BASE_PKGS, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { adminRequest, missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";
import { startWebhook as startHook } from "../support/admission-webhook.js";
import { freePort, REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-admission-"));
const DB = join(work, "advisories.sqlite");
const CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

const osRelease = (version: string, codename: string): string =>
  `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${version}"\nVERSION="${version} (${codename})"\nVERSION_CODENAME=${codename}\nID=debian\n`;

function record(id: string, ecosystem: string, name: string, events: Record<string, string>[], vector: string) {
  return {
    schema_version: "1.6.0", id, modified: "2020-01-01T00:00:00Z", published: "2020-01-01T00:00:00Z", summary: `${id} test advisory`,
    severity: [{ type: "CVSS_V3", score: vector }], affected: [{ package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events }] }],
  };
}

function bulwark(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: work, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker") } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A webhook process; resolves once it says it listens. */
const startWebhook = (args: string[]) => startHook(BIN, args, { cwd: work, env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker") } });

describe.skipIf(missingKube("admission webhook tests") !== undefined || missingTool("admission webhook tests", REGISTRY_TOOLS) !== undefined || !existsSync(BIN))("admission webhook with the real API server", () => {
  let kube: KubeApiServer;
  let reg: RegistryServer;
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  const digests: Record<string, string> = {};
  const img = (name: string) => `${reg.host}/${name}`;

  /** Manifest digest as the registry's own API reports it. */
  async function registryDigest(repo: string, tag: string): Promise<string> {
    const res = await fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, { method: "HEAD", headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(res.status).toBe(200);
    return res.headers.get("docker-content-digest")!;
  }

  /** A raw API request (admin certificate), to see the response headers (Warning). */
  const raw = (method: string, path: string, body: unknown) => adminRequest(kube, method, path, body);

  const pod = (ns: string, name: string, image: string, extra: KubeObject = {}, podExtra: KubeObject = {}): KubeObject => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec: { ...podExtra, containers: [{ name: "app", image, ...extra }] },
  });
  const create = (obj: KubeObject, query = "") => raw("POST", `/api/v1/namespaces/${obj.metadata.namespace}/pods${query}`, obj);

  /** Registers a validating webhook for namespaces labelled bulwark-test=<group>. */
  async function register(name: string, group: string, url: string, failurePolicy: "Fail" | "Ignore", kind: "Validating" | "Mutating" = "Validating", timeoutSeconds = 10): Promise<void> {
    await kube.apply({
      apiVersion: "admissionregistration.k8s.io/v1", kind: `${kind}WebhookConfiguration`, metadata: { name },
      webhooks: [{
        name: `${name}.bulwark.dev`, admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy, timeoutSeconds,
        clientConfig: { url, caBundle: Buffer.from(kube.caPem).toString("base64") },
        namespaceSelector: { matchLabels: { "bulwark-test": group } },
        rules: admission.rulesByGroup(),
      }],
    });
  }

  /** Webhook configurations reach the API server's admission chain after a moment: wait until `probe` is answered as expected. */
  async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const privileged = { securityContext: { privileged: true } };

  beforeAll(async () => {
    [kube, reg] = await Promise.all([startKubeApiServer(), startRegistry()]);
    const layer = (version: string, codename: string, pkgs = BASE_PKGS) => ({ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: osRelease(version, codename) }, { path: "var/lib/dpkg/status", content: dpkgStatus(pkgs) }] });
    const good = await buildImage({ user: "app", layers: [layer("13", "trixie")] });
    const vuln = await buildImage({ user: "app", layers: [layer("10", "buster", [{ name: "curl", version: "7.64.0-4+deb10u2" }])] });
    const root = await buildImage({ layers: [layer("13", "trixie"), { createdBy: "RUN true", entries: [{ path: "etc/motd", content: "root image\n" }] }] });
    const unsigned = await buildImage({ user: "app", layers: [layer("13", "trixie"), { createdBy: "RUN true", entries: [{ path: "etc/motd", content: "unsigned\n" }] }] });
    for (const [repo, image] of [["team/good", good], ["team/vuln", vuln], ["team/root", root], ["team/unsigned", unsigned], ["elsewhere/good", good]] as const) {
      await pushImage(`${img(repo)}:1`, image);
      digests[repo] = await registryDigest(repo, "1");
    }
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    writeFileSync(join(work, "cosign.pub"), publicKey.export({ format: "pem", type: "spki" }).toString());
    for (const repo of ["team/good", "team/vuln", "team/root", "elsewhere/good"]) await signImage(`${img(repo)}:1`, privateKey);

    const osv = join(work, "osv");
    mkdirSync(osv);
    for (const r of [
      record("DEBIAN-CVE-2099-0001", "Debian:10", "curl", [{ introduced: "0" }, { fixed: "7.64.0-4+deb10u9" }], CRITICAL),
      record("DEBIAN-CVE-2099-0100", "Debian:13", "zlib", [{ introduced: "0" }, { fixed: "1:1.2.0-1" }], CRITICAL),
    ]) writeFileSync(join(osv, `${r.id}.json`), JSON.stringify(r));
    const imp = bulwark(["db", "import", osv, "--db", DB]);
    expect(imp.code, imp.stderr).toBe(0);

    writeFileSync(join(work, "policy.yaml"), [
      "apiVersion: bulwark.dev/v1", "kind: ImagePolicy", "rules:",
      `  allowedRegistries: [${reg.host}/team/*]`,
      "  requireSignature: { keys: [cosign.pub] }",
      "  vulnerabilities: { maxSeverity: HIGH }",
      "  forbidRootUser: true", "",
    ].join("\n"));
    const cert = kube.issueServerCert("webhook", ["127.0.0.1"]);
    hook = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--policy", join(work, "policy.yaml"), "--db", DB, "--offline", "--pss", "baseline", "--mode", "enforce", "--fail", "closed", "--exempt-namespace", "legacy"]);
    await kube.apply(["shop", "legacy"].map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n, labels: { "bulwark-test": "main" } } })));
    await register("bulwark-main", "main", `https://127.0.0.1:${hook.port}/validate`, "Fail");
    await until(async () => (await create(pod("shop", "probe", img("team/good:1"), privileged), "?dryRun=All")).status === 403, "the webhook to be called");
  }, 240_000);

  afterAll(async () => {
    await hook?.stop();
    await Promise.all([kube?.stop(), reg?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it("denies a privileged pod: the API server answers 403 with the rule and evidence", async () => {
    const r = await create(pod("shop", "priv", img("team/good:1"), privileged));
    expect(r.status).toBe(403);
    expect(r.body.message).toContain('admission webhook "bulwark-main.bulwark.dev" denied the request');
    expect(r.body.message).toMatch(/\[BW-K8S-004 Privileged container\] container "app" of Pod shop\/priv runs privileged/);
    expect((await kube.request("GET", "/api/v1/namespaces/shop/pods/priv")).status).toBe(404);
  });

  it("admits a clean, signed image by tag (checked cold within the deadline) and the pod is stored", async () => {
    const r = await create(pod("shop", "web", img("team/good:1")));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await kube.request("GET", "/api/v1/namespaces/shop/pods/web")).body.spec.containers[0].image).toBe(img("team/good:1"));
    expect(hook.log()).toMatch(/allow Pod shop\/web: 0 violations, 0 unverified/);
  });

  it("denies a Deployment whose image has a critical vulnerability, naming the advisory", async () => {
    const dep = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" },
      spec: { selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: img("team/vuln:1") }] } } },
    };
    const r = await raw("POST", "/apis/apps/v1/namespaces/shop/deployments", dep);
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.message).toContain(`[policy/vulnerabilities] image ${img("team/vuln:1")} (container api): 1 vulnerability above HIGH`);
    expect(r.body.message).toContain("CVE-2099-0001 CRITICAL in curl 7.64.0-4+deb10u2, fixed in 7.64.0-4+deb10u9");
    // The same Deployment with a clean image is admitted.
    dep.spec.template.spec.containers[0]!.image = img("team/good:1");
    expect((await raw("POST", "/apis/apps/v1/namespaces/shop/deployments", dep)).status).toBe(201);
  });

  it("denies an unsigned image (the policy requires a signature by the key)", async () => {
    const r = await create(pod("shop", "unsigned", img("team/unsigned:1")));
    expect(r.status).toBe(403);
    expect(r.body.message).toContain(`[policy/requireSignature] image ${img("team/unsigned:1")}`);
  });

  it("denies an image from a repository the policy does not allow, without reading the image", async () => {
    const r = await create(pod("shop", "elsewhere", img("elsewhere/good:1")));
    expect(r.status).toBe(403);
    expect(r.body.message).toContain(`[policy/allowedRegistries] image ${img("elsewhere/good:1")} (container app): ${img("elsewhere/good")} matches no allowed registry`);
  });

  it("an image running as root is denied unless the pod sets a non-root runAsUser", async () => {
    const denied = await create(pod("shop", "root", img("team/root:1")));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain("[policy/forbidRootUser]");
    expect(denied.body.message).toContain("the image sets no user, so it runs as root");
    expect((await create(pod("shop", "root-1000", img("team/root:1"), { securityContext: { runAsUser: 1000 } }))).status).toBe(201);
    // And a non-root image forced to uid 0 by the pod is denied.
    const forced = await create(pod("shop", "forced", img("team/good:1"), {}, { securityContext: { runAsUser: 0 } }));
    expect(forced.status).toBe(403);
    expect(forced.body.message).toContain('container "app" sets runAsUser: 0 (root)');
  });

  it("admits anything in an exempt namespace", async () => {
    expect((await create(pod("legacy", "priv", img("team/vuln:1"), privileged))).status).toBe(201);
  });

  it("dry-run requests get the same verdict and store nothing", async () => {
    const denied = await create(pod("shop", "dry-priv", img("team/good:1"), privileged), "?dryRun=All");
    expect(denied.status).toBe(403);
    const ok = await create(pod("shop", "dry-ok", img("team/good:1")), "?dryRun=All");
    expect(ok.status).toBe(201);
    expect((await kube.request("GET", "/api/v1/namespaces/shop/pods/dry-ok")).status).toBe(404);
    expect(hook.log()).toMatch(/deny Pod shop\/dry-priv \(dry run\)/);
  });

  it("warn mode admits with the violations as warnings; audit mode admits silently", async () => {
    const cert = kube.issueServerCert("webhook-warn", ["127.0.0.1"]);
    const warn = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--mode", "warn", "--pss", "restricted"]);
    const audit = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--mode", "audit"]);
    try {
      await kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "warned", labels: { "bulwark-test": "warn" } } }, { apiVersion: "v1", kind: "Namespace", metadata: { name: "audited", labels: { "bulwark-test": "audit" } } }]);
      await register("bulwark-warn", "warn", `https://127.0.0.1:${warn.port}/validate`, "Fail");
      await register("bulwark-audit", "audit", `https://127.0.0.1:${audit.port}/validate`, "Fail");
      let r: Awaited<ReturnType<typeof create>> | undefined;
      await until(async () => (r = await create(pod("warned", "probe", img("team/good:1"), privileged), "?dryRun=All")).warnings.length > 0, "the warn webhook");
      r = await create(pod("warned", "priv", img("team/good:1"), privileged));
      expect(r.status).toBe(201);
      expect(r.warnings.join("\n")).toMatch(/bulwark: \[BW-K8S-004 Privileged container\]/);
      // restricted: runAsNonRoot is missing too.
      expect(r.warnings.join("\n")).toMatch(/BW-K8S-01\d/);
      await until(async () => /Pod audited\/probe/.test(((await create(pod("audited", "probe", img("team/good:1"), privileged), "?dryRun=All")), audit.log())), "the audit webhook");
      const a = await create(pod("audited", "priv", img("team/good:1"), privileged));
      expect(a.status).toBe(201);
      expect(a.warnings).toEqual([]);
      expect(audit.log()).toMatch(/allow Pod audited\/priv: 1 violation/);
    } finally {
      await Promise.all([warn.stop(), audit.stop()]);
    }
  }, 120_000);

  it("the mutating webhook pins the tag to the digest the registry serves", async () => {
    const cert = kube.issueServerCert("webhook-mut", ["127.0.0.1"]);
    const mut = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--policy", join(work, "policy.yaml"), "--db", DB, "--offline"]);
    try {
      await kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "pinned", labels: { "bulwark-test": "mutate" } } });
      await register("bulwark-mutate", "mutate", `https://127.0.0.1:${mut.port}/mutate`, "Fail", "Mutating");
      let stored: KubeObject | undefined;
      await until(async () => {
        const r = await create(pod("pinned", "probe", img("team/good:1")), "?dryRun=All");
        stored = r.body;
        return r.status === 201 && String(r.body.spec.containers[0].image).includes("@");
      }, "the mutating webhook");
      expect(stored!.spec.containers[0].image).toBe(`${img("team/good:1")}@${digests["team/good"]}`);
      // A failing image is not pinned.
      const bad = await create(pod("pinned", "vuln", img("team/vuln:1")), "?dryRun=All");
      expect(bad.status).toBe(201);
      expect(bad.body.spec.containers[0].image).toBe(img("team/vuln:1"));
    } finally {
      await mut.stop();
    }
  }, 120_000);

  it("users' CEL ValidatingAdmissionPolicies (--policy-dir) deny by default and only warn under a Warn binding", async () => {
    const dir = join(work, "cel");
    mkdirSync(dir, { recursive: true });
    const rules = "    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]";
    writeFileSync(join(dir, "policies.yaml"), [
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: require-team}\nspec:\n  matchConstraints:\n" + rules + "\n  validations:\n  - expression: \"has(object.metadata.labels) && 'team' in object.metadata.labels\"\n    message: every Deployment needs a team label",
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: max-replicas}\nspec:\n  matchConstraints:\n" + rules + "\n  validations:\n  - expression: object.spec.replicas <= 3\n    messageExpression: \"'replicas ' + string(object.spec.replicas) + ' is more than 3'\"",
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: max-replicas-warn}\nspec: {policyName: max-replicas, validationActions: [Warn]}",
    ].join("\n---\n"));
    const cert = kube.issueServerCert("webhook-cel", ["127.0.0.1"]);
    const cel = await startWebhook(["--tls-cert", cert.certPath, "--tls-key", cert.keyPath, "--policy-dir", dir]);
    try {
      await kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "celns", labels: { "bulwark-test": "cel" } } });
      await register("bulwark-cel", "cel", `https://127.0.0.1:${cel.port}/validate`, "Fail");
      const dep = (labels: Record<string, string>, replicas: number) => ({
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `d${replicas}${Object.keys(labels).length}`, namespace: "celns", labels },
        spec: { replicas, selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: img("team/good:1") }] } } },
      });
      const post = (d: KubeObject, q = "") => raw("POST", `/apis/apps/v1/namespaces/celns/deployments${q}`, d);
      let r: Awaited<ReturnType<typeof post>> | undefined;
      await until(async () => (r = await post(dep({}, 1), "?dryRun=All")).status === 403, "the CEL webhook");
      expect(r!.body.message).toContain("[cel/require-team");
      expect(r!.body.message).toContain("every Deployment needs a team label");
      const warned = await post(dep({ team: "shop" }, 5));
      expect(warned.status, JSON.stringify(warned.body)).toBe(201);
      expect(warned.warnings.join("\n")).toMatch(/\[cel\/max-replicas .*replicas 5 is more than 3/);
      const clean = await post(dep({ team: "shop" }, 2));
      expect(clean.status).toBe(201);
      expect(clean.warnings).toEqual([]);
    } finally {
      await cel.stop();
    }
  }, 120_000);

  it("`admission install` prints objects the API server accepts as they are (server-side dry run)", async () => {
    const out = bulwark(["admission", "install", "--namespace", "bulwark-system", "--mutating", "--policy", join(work, "policy.yaml")]);
    expect(out.code, out.stderr).toBe(0);
    await kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bulwark-system" } });
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as KubeObject);
    expect(docs.map((d) => d.kind)).toEqual(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Secret", "ConfigMap", "Deployment", "Service", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"]);
    for (const d of docs) {
      const r = await raw("POST", `${await kube.resourcePath(d.apiVersion, d.kind, d.metadata.namespace)}?dryRun=All&fieldValidation=Strict`, d);
      expect(r.status, `${d.kind}: ${JSON.stringify(r.body)}`).toBe(201);
    }
  });

  it("a webhook that is down: failurePolicy Ignore admits, Fail denies", async () => {
    const port = await freePort(); // nothing listens there
    await kube.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "down-open", labels: { "bulwark-test": "down-open" } } }, { apiVersion: "v1", kind: "Namespace", metadata: { name: "down-closed", labels: { "bulwark-test": "down-closed" } } }]);
    await register("bulwark-down-open", "down-open", `https://127.0.0.1:${port}/validate`, "Ignore");
    await register("bulwark-down-closed", "down-closed", `https://127.0.0.1:${port}/validate`, "Fail");
    let closed: Awaited<ReturnType<typeof create>> | undefined;
    await until(async () => (closed = await create(pod("down-closed", "probe", img("team/good:1")), "?dryRun=All")).status !== 201, "the down webhook");
    expect(closed!.status).toBe(500);
    expect(closed!.body.message).toMatch(/failed calling webhook "bulwark-down-closed\.bulwark\.dev".*connection refused/);
    const open = await create(pod("down-open", "privileged", img("team/good:1"), privileged));
    expect(open.status).toBe(201);
  }, 60_000);
});
