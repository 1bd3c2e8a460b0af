// collectCluster against a real kube-apiserver: every resource type, pagination, 403s on some
// types with a narrow Role, contexts, and an API server that is not there.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectCluster } from "../../src/k8s/collect.js";
import { RESOURCES } from "../../src/k8s/snapshot.js";
import { freePort } from "../support/registry-server.js";
import { missingKube, startKubeApiServer, type KubeApiServer, type KubeObject } from "../support/kube-apiserver.js";

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const pod = (namespace: string, name: string, extra: KubeObject = {}): KubeObject => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }], ...extra },
});

describe.skipIf(missingKube("k8s collector tests") !== undefined)("collectCluster on a real API server", () => {
  let kube: KubeApiServer;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    const objects: KubeObject[] = [ns("shop", { "pod-security.kubernetes.io/enforce": "baseline" }), ns("batch")];
    for (let i = 0; i < 7; i++) objects.push(pod("shop", `web-${i}`));
    objects.push(pod("batch", "job-1"));
    objects.push(
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } },
      { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly", namespace: "batch" }, spec: { schedule: "0 1 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } } } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "deployer", namespace: "shop" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] } },
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
      { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "shop" }, spec: { rules: [{ host: "shop.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "pod-reader", namespace: "shop" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "get"] }] },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "narrow", namespace: "shop" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" }, subjects: [{ kind: "User", name: "narrow" }] },
      { apiVersion: "v1", kind: "Node", metadata: { name: "node-1" } },
      { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "guard" }, webhooks: [{ name: "guard.example.com", clientConfig: { url: "https://guard.example.com/validate" }, rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }], sideEffects: "None", admissionReviewVersions: ["v1"], failurePolicy: "Ignore" }] },
    );
    await kube.apply(objects);
  }, 180_000);
  afterAll(async () => {
    await kube?.stop();
  });

  it("reads every resource type as the API lists it, with kind and apiVersion, without managedFields", async () => {
    const snap = await collectCluster({ kubeconfig: kube.kubeconfigPath });
    expect(snap.errors).toEqual([]);
    expect(snap.server).toBe(kube.url);
    expect(snap.context).toBe("admin");
    expect(snap.version?.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    // Cross-check each type against the API server's own list.
    for (const spec of RESOURCES) {
      const r = await kube.request("GET", `${spec.base}/${spec.resource}`);
      expect(r.status, spec.resource).toBe(200);
      const names = r.body.items.map((o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();
      expect(snap.objects[spec.key].map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort(), spec.resource).toEqual(names);
      for (const o of snap.objects[spec.key]) {
        expect(o.kind).toBe(spec.kind);
        expect(o.apiVersion).toBe(spec.apiVersion);
        expect(o.metadata.managedFields).toBeUndefined();
      }
    }
    expect(snap.objects.pods.filter((p) => p.metadata.namespace === "shop")).toHaveLength(7);
    expect(snap.objects.namespaces.find((n) => n.metadata.name === "shop")!.metadata.labels!["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(snap.objects.validatingWebhookConfigurations.map((w) => w.metadata.name)).toEqual(["guard"]);
  });

  it("pages with limit/continue and gets the same objects", async () => {
    const whole = await collectCluster({ kubeconfig: kube.kubeconfigPath, only: ["pods"] });
    const paged = await collectCluster({ kubeconfig: kube.kubeconfigPath, only: ["pods"], pageSize: 2 });
    expect(paged.objects.pods.map((p) => p.metadata.uid)).toEqual(whole.objects.pods.map((p) => p.metadata.uid));
    // 8 pods in pages of 2: 4 pages (the server may add an empty last one) against 1.
    expect(whole.requests).toBe(1);
    expect(paged.requests).toBeGreaterThanOrEqual(4);
    expect(paged.requests).toBeLessThanOrEqual(5);
  });

  it("reports 403s per resource type and goes on (a user bound to one narrow Role)", async () => {
    const cert = kube.issueClientCert("narrow");
    const kc = kube.writeKubeconfig("narrow", cert);
    const all = await collectCluster({ kubeconfig: kc });
    // Cluster-wide lists are all forbidden for this user; nothing throws.
    expect(all.errors.length).toBe(RESOURCES.length);
    expect(all.errors.every((e) => e.status === 403)).toBe(true);
    expect(all.errors.find((e) => e.resource === "deployments.apps")!.message).toContain('"narrow"');
    // In its namespace it can list pods, and only pods.
    const shop = await collectCluster({ kubeconfig: kc, namespaces: ["shop"] });
    expect(shop.objects.pods).toHaveLength(7);
    expect(shop.errors.find((e) => e.resource === "pods")).toBeUndefined();
    expect(shop.errors.find((e) => e.resource === "deployments.apps" && e.namespace === "shop")?.status).toBe(403);
    expect(shop.errors.find((e) => e.resource === "namespaces" && e.namespace === "shop")?.status).toBe(403);
    expect(shop.errors.find((e) => e.resource === "nodes")?.status).toBe(403);
  });

  it("picks a context, refuses an unknown one, and says when the server is not there", async () => {
    const cert = kube.issueClientCert("narrow");
    const kc = kube.writeKubeconfig("narrow2", cert);
    const both = JSON.parse((await import("node:fs")).readFileSync(kube.kubeconfigPath, "utf8"));
    const other = JSON.parse((await import("node:fs")).readFileSync(kc, "utf8"));
    both.users.push(...other.users);
    both.contexts.push(...other.contexts);
    const merged = `${kube.dir}/merged.kubeconfig`;
    writeFileSync(merged, JSON.stringify(both));
    const narrow = await collectCluster({ kubeconfig: merged, context: "narrow2", only: ["nodes"] });
    expect(narrow.context).toBe("narrow2");
    expect(narrow.errors[0]?.status).toBe(403);
    await expect(collectCluster({ kubeconfig: merged, context: "nope" })).rejects.toThrow(/no context "nope" in the kubeconfig \(contexts: admin, narrow2\)/);
    await expect(collectCluster({ kubeconfig: `${kube.dir}/missing` })).rejects.toThrow(/no such file/);
    const port = await freePort();
    both.clusters[0].cluster.server = `https://127.0.0.1:${port}`;
    writeFileSync(merged, JSON.stringify(both));
    await expect(collectCluster({ kubeconfig: merged })).rejects.toThrow(/cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    await expect(collectCluster({ kubeconfig: merged, namespaces: ["nope"] })).rejects.toThrow(/cannot reach/);
  });

  it("a namespace that does not exist is an input error", async () => {
    await expect(collectCluster({ kubeconfig: kube.kubeconfigPath, namespaces: ["nope"] })).rejects.toThrow(/namespace "nope" does not exist/);
  });

  it("a wrong token is refused with one line", async () => {
    const kc = kube.writeKubeconfig("badtoken", { token: "not-a-token" });
    await expect(collectCluster({ kubeconfig: kc })).rejects.toThrow(/rejected the credentials \(401/);
  });
});
