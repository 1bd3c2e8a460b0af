// The admission decision and its HTTPS server, without a registry: Pod Security levels, modes,
// exemptions, updates, kinds and subresources, and hostile bodies over real TLS (openssl-made
// certificate, verified by the client).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingTool, toolPath } from "../../test/support/tools.js";
import { AdmissionController, BadReview, type AdmissionOptions } from "./engine.js";
import { ruleSelection } from "./pss.js";
import { serveAdmission, type AdmissionServer } from "./server.js";
import { installManifests } from "./install.js";
import { NamespaceLabels, namespacePolicy } from "./namespaces.js";
import { parseAllDocuments } from "yaml";

type Obj = Record<string, unknown>;

const review = (object: Obj | undefined, extra: Obj = {}): Obj => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { uid: "u-1", kind: { group: "", version: "v1", kind: (object?.kind as string) ?? "Pod" }, namespace: "shop", operation: "CREATE", object, ...extra },
});
const pod = (container: Obj = {}, spec: Obj = {}): Obj => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "shop" }, spec: { ...spec, containers: [{ name: "app", image: "nginx:1", ...container }] } });
const controller = (o: Partial<AdmissionOptions> = {}) => new AdmissionController({ rules: ruleSelection("baseline", undefined), mode: "enforce", failMode: "closed", ...o });

describe("admission decisions (Pod Security rules)", () => {
  it("baseline denies privileged and host namespaces, admits a plain pod; the uid is echoed", async () => {
    const c = controller();
    const denied = await c.validate(review(pod({ securityContext: { privileged: true } }, { hostPID: true })));
    expect(denied.apiVersion).toBe("admission.k8s.io/v1");
    expect(denied.response.uid).toBe("u-1");
    expect(denied.response.allowed).toBe(false);
    expect(denied.response.status!.code).toBe(403);
    expect(denied.response.status!.message).toMatch(/^bulwark denied Pod shop\/web: \[BW-K8S-\d{3} [^\]]+\] .*hostPID.*; \[BW-K8S-004 Privileged container\] container "app" of Pod shop\/web runs privileged$/);
    const ok = await c.validate(review(pod()));
    expect(ok.response).toMatchObject({ uid: "u-1", allowed: true, auditAnnotations: { verdict: "allow" } });
  });

  it("pods stamped from one template share the rules' result, and each answer names its own pod", async () => {
    const c = controller();
    const a = await c.validate(review(pod({ securityContext: { privileged: true } })));
    const other = pod({ securityContext: { privileged: true } });
    (other.metadata as Obj).name = "web-7f9c";
    const b = await c.validate(review(other));
    expect(a.response.status!.message).toContain("of Pod shop/web runs privileged");
    expect(b.response.status!.message).toContain("of Pod shop/web-7f9c runs privileged");
    expect(b.response.status!.message).not.toContain("\u0000");
    expect(JSON.parse(b.response.auditAnnotations!.violations!)[0].message).toBe('container "app" of Pod shop/web-7f9c runs privileged');
  });

  it("restricted adds the restricted controls; privileged checks nothing; extra rule ids add hardening rules", async () => {
    const plain = review(pod());
    const r = await controller({ rules: ruleSelection("restricted", undefined) }).validate(plain);
    expect(r.response.allowed).toBe(false);
    expect(r.response.status!.message).toMatch(/allowPrivilegeEscalation|runAsNonRoot|seccomp/);
    const hardened = pod({ securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } });
    expect((await controller({ rules: ruleSelection("restricted", undefined) }).validate(review(hardened))).response.allowed).toBe(true);
    expect((await controller({ rules: ruleSelection("privileged", undefined) }).validate(review(pod({ securityContext: { privileged: true } })))).response.allowed).toBe(true);
    const limits = await controller({ rules: ruleSelection("privileged", undefined, ["BW-K8S-022"]) }).validate(plain);
    expect(limits.response.allowed).toBe(false);
    expect(limits.response.status!.message).toContain("BW-K8S-022");
    expect(() => ruleSelection("strict", undefined)).toThrow(/--pss must be one of privileged, baseline, restricted/);
  });

  it("warn mode admits with warnings, audit mode with audit annotations only", async () => {
    const bad = review(pod({ securityContext: { privileged: true } }));
    const w = await controller({ mode: "warn" }).validate(bad);
    expect(w.response.allowed).toBe(true);
    expect(w.response.warnings).toEqual([expect.stringMatching(/^bulwark: \[BW-K8S-004 Privileged container\]/)]);
    expect(w.response.auditAnnotations!.verdict).toBe("warn");
    const a = await controller({ mode: "audit" }).validate(bad);
    expect(a.response.allowed).toBe(true);
    expect(a.response.warnings).toBeUndefined();
    expect(a.response.auditAnnotations!.verdict).toBe("audit");
    expect(JSON.parse(a.response.auditAnnotations!.violations!)[0]).toMatchObject({ rule: "BW-K8S-004", container: "app" });
  });

  it("checks every workload kind's template (CronJob's nested one too) and skips other kinds, deletes and status updates", async () => {
    const c = controller();
    const tpl = { spec: { containers: [{ name: "app", image: "nginx:1", securityContext: { privileged: true } }] } };
    const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "job", namespace: "shop" }, spec: { schedule: "* * * * *", jobTemplate: { spec: { template: tpl } } } };
    expect((await c.validate(review(cron))).response.allowed).toBe(false);
    for (const kind of ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]) {
      const obj = { apiVersion: "apps/v1", kind, metadata: { name: "x" }, spec: { template: tpl } };
      expect((await c.validate(review(obj))).response.allowed, kind).toBe(false);
    }
    expect((await c.validate(review({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } }))).response.allowed).toBe(true);
    expect((await c.validate(review(pod({ securityContext: { privileged: true } }), { operation: "DELETE" }))).response.allowed).toBe(true);
    expect((await c.validate(review(pod({ securityContext: { privileged: true } }), { subResource: "status" }))).response.allowed).toBe(true);
    expect((await c.validate(review(pod({ securityContext: { privileged: true } }), { subResource: "ephemeralcontainers" }))).response.allowed).toBe(false);
  });

  it("an update that leaves the pod template unchanged is admitted; one that changes it is checked", async () => {
    const c = controller();
    const old = pod({ securityContext: { privileged: true } });
    const relabelled = { ...old, metadata: { name: "web", namespace: "shop", labels: { a: "b" } } };
    expect((await c.validate(review(relabelled, { operation: "UPDATE", oldObject: old }))).response.allowed).toBe(true);
    expect((await c.validate(review(old, { operation: "UPDATE", oldObject: pod() }))).response.allowed).toBe(false);
    // A new AppArmor annotation is a change to what runs.
    const plain = pod();
    const annotated = { ...plain, metadata: { name: "web", namespace: "shop", annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } } };
    expect((await c.validate(review(annotated, { operation: "UPDATE", oldObject: plain }))).response.allowed).toBe(false);
  });

  it("extra checks (the CEL hook): Deny follows the mode, warn-only violations never deny, a late or failing check is an unknown verdict", async () => {
    const v = (action?: "warn" | "audit") => ({ rule: "cel/p", title: "Invalid", message: action ?? "deny", evidence: [], ...(action ? { action } : {}) });
    const deny = await controller({ extraChecks: [() => [v(), v("warn")]] }).validate(review(pod()));
    expect(deny.response.allowed).toBe(false);
    expect(deny.response.status!.message).toContain("[cel/p Invalid] deny");
    expect(deny.response.status!.message).not.toContain("warn");
    expect(deny.response.warnings).toEqual(["bulwark: [cel/p Invalid] warn"]);
    const warnOnly = await controller({ extraChecks: [async () => [v("warn"), v("audit")]] }).validate(review(pod()));
    expect(warnOnly.response).toMatchObject({ allowed: true, warnings: ["bulwark: [cel/p Invalid] warn"], auditAnnotations: { verdict: "warn" } });
    expect(JSON.parse(warnOnly.response.auditAnnotations!.violations!)).toHaveLength(2);
    const t0 = Date.now();
    const late = await controller({ timeoutMs: 200, extraChecks: [() => new Promise(() => undefined)] }).validate(review(pod()));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(late.response.allowed).toBe(false);
    expect(late.response.status!.message).toContain("not verified: a policy check did not finish in time (fail closed)");
    const failing = await controller({ failMode: "open", extraChecks: [() => { throw new Error("boom"); }] }).validate(review(pod()));
    expect(failing.response).toMatchObject({ allowed: true, warnings: ["bulwark: not verified: a policy check failed: boom (fail open)"] });
  });

  it("exempt namespaces are admitted unchecked, with an audit annotation", async () => {
    const r = await controller({ exemptNamespaces: ["shop"] }).validate(review(pod({ securityContext: { privileged: true } })));
    expect(r.response).toMatchObject({ allowed: true, auditAnnotations: { verdict: "exempt" } });
  });

  it("bodies that are not AdmissionReview requests are refused with a reason; odd objects are answered", async () => {
    const c = controller();
    for (const [body, why] of [
      [[], /not a JSON object/], [{ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", request: { uid: "x" } }, /apiVersion must be admission.k8s.io\/v1/],
      [{ apiVersion: "admission.k8s.io/v1", kind: "Pod" }, /kind must be AdmissionReview/], [{ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }, /request is missing/],
      [{ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "a b" } }, /uid/],
    ] as const) {
      await expect(c.validate(body)).rejects.toThrow(BadReview);
      await expect(c.validate(body)).rejects.toThrow(why);
    }
    // Containers of the wrong type, a spec that is a string, a pod without a template: answered, not thrown.
    for (const obj of [
      { apiVersion: "v1", kind: "Pod", metadata: { name: 5 }, spec: { containers: [7, null, "x", { name: {}, image: 3 }] } },
      { apiVersion: "v1", kind: "Pod", metadata: "x", spec: "y" },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template: [] } },
    ]) {
      const r = await c.validate(review(obj));
      expect(r.response.uid).toBe("u-1");
      expect(typeof r.response.allowed).toBe("boolean");
    }
  });
});

describe.skipIf(missingTool("admission server tests", ["openssl"]) !== undefined)("admission HTTPS server", () => {
  let dir: string;
  let server: AdmissionServer;
  let ca: Buffer;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { "content-type": "application/json" }, method = "POST") =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request({ host: "127.0.0.1", port: server.port, path, method, ca, headers, servername: "localhost" }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.end(body);
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bw-adm-srv-"));
    execFileSync(toolPath("openssl"), ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-days", "2", "-subj", "/CN=webhook", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], { stdio: "ignore" });
    ca = readFileSync(join(dir, "c.pem"));
    server = await serveAdmission(controller(), { listen: "127.0.0.1:0", tlsCert: join(dir, "c.pem"), tlsKey: join(dir, "k.pem"), maxBodyBytes: 64 * 1024, certReloadMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /validate over verified TLS and /healthz", async () => {
    const r = await post("/validate", JSON.stringify(review(pod({ securityContext: { privileged: true } }))));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).response).toMatchObject({ uid: "u-1", allowed: false });
    expect((await post("/healthz", "", {}, "GET")).text).toBe("ok\n");
  });

  it("hostile requests get 4xx, and the server keeps answering", async () => {
    expect((await post("/validate", "{not json")).status).toBe(400);
    expect((await post("/validate", "null")).status).toBe(400);
    expect((await post("/validate", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }))).status).toBe(400);
    expect((await post("/validate", "{}", { "content-type": "text/plain" })).status).toBe(415);
    expect((await post("/validate", "", {}, "GET")).status).toBe(405);
    expect((await post("/nope", "{}")).status).toBe(404);
    // Too large, declared and streamed (chunked, no length).
    expect((await post("/validate", Buffer.alloc(65 * 1024, 0x20))).status).toBe(413);
    expect((await post("/validate", Buffer.alloc(200 * 1024, 0x20), { "content-type": "application/json", "transfer-encoding": "chunked" })).status).toBe(413);
    // Deeply nested JSON inside the object.
    let deep = "1";
    for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;
    const nested = JSON.stringify(review(pod())).replace('"nginx:1"', '"nginx:1","x":' + deep);
    const r = await post("/validate", nested);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/nested deeper than 128 levels/);
    // Still serving.
    expect((await post("/validate", JSON.stringify(review(pod())))).status).toBe(200);
  });
});

describe.skipIf(missingTool("admission install tests", ["openssl"]) !== undefined)("admission install", () => {
  it("prints the objects with a caBundle that verifies the serving certificate (openssl verify)", () => {
    const out = installManifests({ namespace: "bulwark", image: "ghcr.io/acme/bulwark:1", mutating: true, policy: { text: "apiVersion: bulwark.dev/v1\n" } });
    const docs = parseAllDocuments(out.yaml).map((d) => d.toJS() as Obj & { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Secret", "ConfigMap", "Deployment", "Service", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"]);
    const vwc = docs.find((d) => d.kind === "ValidatingWebhookConfiguration") as unknown as { webhooks: { clientConfig: { caBundle: string; service: Obj }; failurePolicy: string; rules: { resources: string[] }[] }[] };
    const secret = docs.find((d) => d.kind === "Secret") as unknown as { data: Record<string, string> };
    expect(Buffer.from(vwc.webhooks[0]!.clientConfig.caBundle, "base64").toString()).toBe(out.caCert);
    expect(vwc.webhooks[0]!.clientConfig.service).toEqual({ name: "bulwark-admission", namespace: "bulwark", path: "/validate", port: 443 });
    expect(vwc.webhooks[0]!.failurePolicy).toBe("Fail");
    expect(vwc.webhooks[0]!.rules.flatMap((r) => r.resources)).toEqual(expect.arrayContaining(["pods", "deployments", "cronjobs", "replicationcontrollers", "pods/ephemeralcontainers"]));
    const dir = mkdtempSync(join(tmpdir(), "bw-adm-inst-"));
    try {
      const write = (n: string, b64: string) => {
        const p = join(dir, n);
        writeFileSync(p, Buffer.from(b64, "base64"));
        return p;
      };
      const caFile = write("ca.crt", secret.data["ca.crt"]!);
      const crt = write("tls.crt", secret.data["tls.crt"]!);
      const v = execFileSync(toolPath("openssl"), ["verify", "-CAfile", caFile, "-purpose", "sslserver", crt], { encoding: "utf8" });
      expect(v).toContain(": OK");
      const text = execFileSync(toolPath("openssl"), ["x509", "-in", crt, "-noout", "-ext", "subjectAltName"], { encoding: "utf8" });
      expect(text).toContain("DNS:bulwark-admission.bulwark.svc");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => installManifests({ namespace: "Bad_NS", image: "x" })).toThrow(/--namespace must be a DNS label/);
    // The webhook's ServiceAccount may read namespaces (their Pod Security labels), nothing more.
    const role = docs.find((d) => d.kind === "ClusterRole") as unknown as { rules: unknown[] };
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] }]);
    const binding = docs.find((d) => d.kind === "ClusterRoleBinding") as unknown as { subjects: unknown[] };
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "bulwark-admission", namespace: "bulwark" }]);
  });
});

describe("namespace Pod Security labels", () => {
  it("reads enforce/warn/audit and their versions; values the API server would refuse are listed, not applied", () => {
    const p = namespacePolicy({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.25", "pod-security.kubernetes.io/warn": "strict", "pod-security.kubernetes.io/audit-version": "v1.x" });
    expect(p.enforce?.level).toBe("restricted");
    expect(p.enforce?.version.label).toBe("v1.25");
    expect(p.warn).toBeUndefined();
    expect(p.audit).toBeUndefined();
    expect(p.invalid).toEqual(["pod-security.kubernetes.io/warn=strict", "pod-security.kubernetes.io/audit-version=v1.x"]);
    expect(namespacePolicy(undefined)).toEqual({ invalid: [] });
  });
});

// The namespace source is the API (a `get(path)` function): here a table of namespaces' labels, so
// the decisions around it (audit-only violations, unreadable labels, deadlines) are checked
// without a cluster; test/e2e/admission-namespaces.test.ts does it through the real API server.
describe("namespace labels in the decision", () => {
  const source = (labels: Record<string, Record<string, string>>, opts: { fail?: boolean; hang?: boolean } = {}) => {
    const asked: string[] = [];
    const labelsOf = new NamespaceLabels({
      get: async (path) => {
        asked.push(path);
        if (opts.hang) return new Promise(() => undefined);
        if (opts.fail) throw new Error("connect ECONNREFUSED");
        const name = path.split("/").pop()!;
        return labels[name] ? { status: 200, body: { metadata: { name, labels: labels[name] } } } : { status: 404, body: { message: `namespaces "${name}" not found` } };
      },
    });
    return { labelsOf, asked };
  };

  it("audit-only levels annotate, never warn or deny; the label read once is cached", async () => {
    const { labelsOf, asked } = source({ shop: { "pod-security.kubernetes.io/audit": "restricted" } });
    const c = controller({ namespaces: labelsOf });
    const r = await c.validate(review(pod()));
    expect(r.response.allowed).toBe(true);
    expect(r.response.warnings).toBeUndefined();
    expect(r.response.auditAnnotations!.verdict).toBe("audit");
    expect(r.response.auditAnnotations!.pss).toMatch(/^baseline:v1\.\d+$/);
    expect(JSON.parse(r.response.auditAnnotations!.violations!)[0].evidence).toContain("namespace shop: pod-security.kubernetes.io/audit=restricted");
    await c.validate(review(pod()));
    expect(asked).toEqual(["/api/v1/namespaces/shop"]);
  });

  it("labels that cannot be read: an unknown verdict (fail closed denies, fail open warns), --pss still applied", async () => {
    const closed = await controller({ namespaces: source({}, { fail: true }).labelsOf }).validate(review(pod()));
    expect(closed.response.allowed).toBe(false);
    expect(closed.response.status!.message).toMatch(/not verified: cannot read namespace shop: connect ECONNREFUSED .*\(fail closed\)/);
    // A 404 (namespace not found) is unknown too: fail open admits a clean pod with a warning.
    const open = await controller({ failMode: "open", namespaces: source({}).labelsOf }).validate(review(pod()));
    expect(open.response.allowed).toBe(true);
    expect(open.response.warnings!.join("\n")).toMatch(/namespaces "shop" not found.*\(fail open\)/);
    // --pss (baseline) still applies meanwhile: a privileged pod is denied for it even under fail open.
    const priv = await controller({ failMode: "open", namespaces: source({}).labelsOf }).validate(review(pod({ securityContext: { privileged: true } })));
    expect(priv.response.allowed).toBe(false);
    expect(priv.response.status!.message).toContain("[BW-K8S-004 Privileged container]");
  });

  it("an API that never answers: the request is still answered by its deadline", async () => {
    const t0 = Date.now();
    const r = await controller({ timeoutMs: 300, namespaces: source({}, { hang: true }).labelsOf }).validate(review(pod()));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.response.allowed).toBe(false);
    expect(r.response.status!.message).toContain("the labels of namespace shop were not read in time");
  });
});
