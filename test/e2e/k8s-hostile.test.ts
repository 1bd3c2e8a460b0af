// A hostile or broken API server: a TLS relay in front of the real kube-apiserver that forwards
// every request (as admin) except the ones a test breaks: a stream closed mid-body, a list that is
// not a list, a continue token that never ends, a body over the cap, a server that never answers.
// The collection reports the broken resource type and reads the others.
import type { ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectCluster } from "../../src/k8s/collect.js";
import { scanCluster } from "../../src/k8s/scan.js";
import { missingKube, startKubeApiServer, type KubeApiServer } from "../support/kube-apiserver.js";

type Fault = (url: URL, res: ServerResponse) => boolean;

describe.skipIf(missingKube("k8s hostile server tests") !== undefined)("collection from a broken API server", () => {
  let kube: KubeApiServer;
  let relay: https.Server;
  let relayUrl: string;
  let fault: Fault = () => false;
  let kubeconfig: string;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    await kube.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "app" } },
      ...Array.from({ length: 5 }, (_, i) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, namespace: "app" }, spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] } })),
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa", namespace: "app" } },
    ]);
    const serving = kube.issueServerCert("relay", ["127.0.0.1"]);
    const upstream = new URL(kube.url);
    const agent = new https.Agent({ ca: kube.caPem, cert: kube.adminCert, key: kube.adminKey, keepAlive: true });
    relay = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      const url = new URL(req.url ?? "/", kube.url);
      if (fault(url, res)) return;
      const out = https.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: url.pathname + url.search, headers: { accept: "application/json" }, agent }, (up) => {
        res.writeHead(up.statusCode ?? 502, { "content-type": up.headers["content-type"] ?? "application/json" });
        up.pipe(res);
      });
      out.on("error", () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    relayUrl = `https://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    // The relay authenticates upstream itself; the client shows a token the relay ignores.
    const path = kube.writeKubeconfig("relay", { token: "relay-token" });
    const cfg = JSON.parse((await import("node:fs")).readFileSync(path, "utf8"));
    cfg.clusters[0].cluster.server = relayUrl;
    (await import("node:fs")).writeFileSync(path, JSON.stringify(cfg));
    kubeconfig = path;
  }, 180_000);
  afterAll(async () => {
    relay?.closeAllConnections();
    await new Promise((r) => relay?.close(r));
    await kube?.stop();
  });

  const isPods = (url: URL) => url.pathname === "/api/v1/pods";

  it("works through the relay when nothing is broken", async () => {
    fault = () => false;
    const snap = await collectCluster({ kubeconfig });
    expect(snap.errors).toEqual([]);
    expect(snap.objects.pods).toHaveLength(5);
  });

  it("a stream closed in the middle of the pods list: pods reported after retries, the rest read", async () => {
    let hits = 0;
    fault = (url, res) => {
      if (!isPods(url)) return false;
      hits++;
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"kind":"PodList","items":[{"metadata":{"name":"half');
      setTimeout(() => res.socket?.destroy(), 10);
      return true;
    };
    const snap = await collectCluster({ kubeconfig });
    expect(hits).toBe(3);
    expect(snap.errors).toHaveLength(1);
    expect(snap.errors[0]).toMatchObject({ resource: "pods" });
    expect(snap.errors[0]!.message).toMatch(/closed|aborted|socket hang up|ECONNRESET/);
    expect(snap.objects.serviceAccounts.map((s) => s.metadata.name)).toContain("sa");
  });

  it("answers that are not lists, endless continue tokens and oversized bodies", async () => {
    fault = (url, res) => {
      if (!isPods(url)) return false;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "PodList", items: "nope" }));
      return true;
    };
    let snap = await collectCluster({ kubeconfig, only: ["pods", "serviceAccounts"] });
    expect(snap.errors).toEqual([{ resource: "pods", message: "the server's answer is not a list" }]);

    let pages = 0;
    fault = (url, res) => {
      if (!isPods(url)) return false;
      pages++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "PodList", metadata: { continue: `t${pages}` }, items: [{ metadata: { name: `p${pages}`, namespace: "x" } }] }));
      return true;
    };
    snap = await collectCluster({ kubeconfig, only: ["pods"], maxPages: 50 });
    expect(pages).toBe(50);
    expect(snap.errors).toEqual([{ resource: "pods", message: "stopped after 50 pages" }]);
    expect(snap.objects.pods).toHaveLength(50);

    fault = (url, res) => {
      if (!isPods(url)) return false;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "PodList", metadata: { continue: "same" }, items: [] }));
      return true;
    };
    snap = await collectCluster({ kubeconfig, only: ["pods"] });
    expect(snap.errors[0]!.message).toBe("the server repeated a continue token");

    fault = (url, res) => {
      if (!isPods(url)) return false;
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 4096 && res.write(chunk)) sent++;
        if (sent < 4096) res.once("drain", pump);
        else res.end();
      };
      pump();
      return true;
    };
    snap = await collectCluster({ kubeconfig, only: ["pods"], maxBodyBytes: 2 * 2 ** 20 });
    expect(snap.errors[0]!.message).toMatch(/response larger than 2097152 bytes/);
  });

  it("a server that never answers one list: bounded by the request deadline", async () => {
    fault = (url) => isPods(url); // never writes a response
    const t0 = Date.now();
    const snap = await collectCluster({ kubeconfig, only: ["pods", "serviceAccounts"], timeoutMs: 1000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(snap.errors[0]!.message).toMatch(/no complete answer within 1000 ms/);
    expect(snap.objects.serviceAccounts).toHaveLength(1);
  });

  it("the scan goes on with the rest when one type is broken, and says so", async () => {
    fault = (url, res) => {
      if (url.pathname !== "/api/v1/serviceaccounts") return false;
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", message: "etcdserver: request timed out", code: 500 }));
      return true;
    };
    const rep = await scanCluster({ collect: { kubeconfig }, images: false, components: false });
    expect(rep.errors.map((e) => e.message)).toEqual(["serviceaccounts: HTTP 500: etcdserver: request timed out"]);
    expect(rep.workloads).toHaveLength(5);
    expect(rep.misconfigurations.filter((m) => m.ruleId === "BW-K8S-004")).toHaveLength(5);
  });
});
