// The test harness itself against the real kube-apiserver: start, admin and limited identities,
// objects created through discovery, pod status through the status subresource, clean stop.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingKube, startKubeApiServer, type KubeApiServer } from "../support/kube-apiserver.js";
import { toolPath } from "../support/tools.js";

describe.skipIf(missingKube("kube-apiserver harness tests") !== undefined)("kube-apiserver harness", () => {
  let kube: KubeApiServer;
  const token = "harness-token-" + Math.random().toString(36).slice(2);

  beforeAll(async () => {
    kube = await startKubeApiServer({ tokens: [{ token, user: "tokenuser", groups: ["team-a"] }] });
  }, 180_000);
  afterAll(async () => {
    await kube?.stop();
  });

  it("serves TLS for 127.0.0.1 from its own CA (checked with openssl)", () => {
    const out = execFileSync(toolPath("openssl"), ["verify", "-CAfile", kube.caCertPath, "-purpose", "sslserver", `${kube.dir}/apiserver.crt`], { encoding: "utf8" });
    expect(out).toContain(": OK");
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("admin is in system:masters; a plain client certificate and a token are authenticated but forbidden", async () => {
    const who = await kube.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
    expect(who.status).toBe(201);
    expect(who.body.status.userInfo.groups).toContain("system:masters");
    const nobody = kube.issueClientCert("nobody", ["team-b"]);
    const r = await kube.request("GET", "/api/v1/namespaces/default/secrets", undefined, { as: nobody });
    expect(r.status).toBe(403);
    expect(r.body.message).toContain('"nobody"');
    const t = await kube.request("GET", "/api/v1/pods", undefined, { as: { token } });
    expect(t.status).toBe(403);
    expect(t.body.message).toContain('"tokenuser"');
    const bad = await kube.request("GET", "/api/v1/pods", undefined, { as: { token: "wrong" } });
    expect(bad.status).toBe(401);
  });

  it("creates objects from YAML through discovery, replaces on conflict, and sets pod status", async () => {
    const yaml = [
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.25}]",
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, namespace: shop, labels: {app: web}}\nspec:\n  containers: [{name: web, image: nginx:1.25}]",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: harness-reader}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]",
    ].join("\n---\n");
    const created = await kube.apply(yaml);
    expect(created.map((o) => o.kind)).toEqual(["Namespace", "Deployment", "Pod", "ClusterRole"]);
    expect(created[1]!.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    // Applying again replaces (the ClusterRole's rules change).
    const again = await kube.apply({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "harness-reader" }, rules: [{ apiGroups: [""], resources: ["pods", "services"], verbs: ["list"] }] });
    expect(again[0]!.rules[0].resources).toEqual(["pods", "services"]);
    const digest = "sha256:" + "ab".repeat(32);
    const pod = await kube.updateStatus(created[2]!, { phase: "Running", containerStatuses: [{ name: "web", image: "nginx:1.25", imageID: `docker.io/library/nginx@${digest}`, ready: true, restartCount: 0, started: true, state: { running: {} } }] });
    expect(pod.status.phase).toBe("Running");
    const read = await kube.request("GET", "/api/v1/namespaces/shop/pods/web-1");
    expect(read.body.status.containerStatuses[0].imageID).toBe(`docker.io/library/nginx@${digest}`);
    expect(await kube.resourcePath("networking.k8s.io/v1", "Ingress", "shop", "x")).toBe("/apis/networking.k8s.io/v1/namespaces/shop/ingresses/x");
    await expect(kube.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "bad", namespace: "shop" }, spec: {} })).rejects.toThrow(/HTTP 422/);
  });

  it("writes kubeconfigs that hold the CA and the credentials", () => {
    const path = kube.writeKubeconfig("tok", { token });
    expect(existsSync(path)).toBe(true);
    expect(existsSync(kube.kubeconfigPath)).toBe(true);
  });

  it("stop kills both servers and removes the directory", async () => {
    const other = await startKubeApiServer();
    const dir = other.dir;
    const url = other.url;
    await other.stop();
    expect(existsSync(dir)).toBe(false);
    await expect(fetch(`${url}/readyz`)).rejects.toThrow();
  }, 180_000);
});
