// The risk ranking on snapshots built in memory: the example ordering, entry points,
// the plug-in point for a fuller RBAC engine, and odd objects that must not crash it.
import { describe, expect, it } from "vitest";
import { entryPoints, rankRisks, type VulnFacts } from "./exposure.js";
import { simpleReach, type ReachFunction } from "./reach.js";
import { emptyObjects, type ClusterSnapshot, type K8sObject } from "./snapshot.js";
import { workloadsOf } from "./workloads.js";

function snapshot(objects: K8sObject[]): ClusterSnapshot {
  const snap: ClusterSnapshot = { server: "https://k8s.example", collectedAt: "2026-01-01T00:00:00Z", objects: emptyObjects(), errors: [], requests: 0 };
  const key: Record<string, keyof ClusterSnapshot["objects"]> = {
    Pod: "pods", Deployment: "deployments", CronJob: "cronJobs", Service: "services", Ingress: "ingresses", ServiceAccount: "serviceAccounts",
    ClusterRole: "clusterRoles", ClusterRoleBinding: "clusterRoleBindings", Role: "roles", RoleBinding: "roleBindings",
  };
  for (const o of objects) snap.objects[key[o.kind]!].push(o);
  return snap;
}

const deployment = (ns: string, name: string, spec: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: ns, uid: `${ns}-${name}` },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }], ...spec } } },
});
const cronJob = (ns: string, name: string): K8sObject => ({
  apiVersion: "batch/v1", kind: "CronJob", metadata: { name, namespace: ns, uid: `${ns}-${name}` },
  spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true }, containers: [{ name, image: `${name}:1` }] } } } } },
});
const critical = (fixable: boolean): VulnFacts => ({ critical: 1, criticalFixable: fixable ? 1 : 0, high: 0, highFixable: 0, examples: ["CVE-2024-0001 (CRITICAL) in openssl 3.0.11"] });

describe("rankRisks", () => {
  const objects: K8sObject[] = [
    deployment("shop", "web", { serviceAccountName: "web" }),
    { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 443 }] } },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }] },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "web-reader" }, roleRef: { kind: "ClusterRole", name: "reader" }, subjects: [{ kind: "ServiceAccount", name: "web", namespace: "shop" }] },
    cronJob("batch", "nightly"),
  ];

  it("an exposed root pod with a fixable critical whose account reads every secret outranks a lone critical in a batch job", () => {
    const snap = snapshot(objects);
    const risks = rankRisks(snap, workloadsOf(snap), new Map([["deployment/web -n shop", critical(true)], ["cronjob/nightly -n batch", critical(true)]]));
    expect(risks.map((r) => r.workload)).toEqual(["deployment/web -n shop", "cronjob/nightly -n batch"]);
    const [web, job] = risks;
    expect(web!.score).toBeGreaterThan(job!.score * 3);
    expect(web!.chain).toEqual([
      "entry: service/web -n shop (LoadBalancer port 443)",
      "workload: deployment/web -n shop",
      "image: 1 critical (1 fixable), 0 high (0 fixable) vulnerabilities, e.g. CVE-2024-0001 (CRITICAL) in openssl 3.0.11",
      "runs as root: web",
      "account: serviceaccount/web -n shop can read every secret",
    ]);
    expect(web!.reach.evidence).toEqual(["ClusterRoleBinding web-reader -> ClusterRole reader: read secrets in every namespace"]);
    expect(job!.factors.map((f) => f.factor)).toEqual(["vulnerability"]);
  });

  it("takes a plugged-in reach function (a fuller RBAC engine)", () => {
    const snap = snapshot(objects);
    const calls: string[] = [];
    const reach: ReachFunction = (s) => {
      calls.push(`${s.namespace}/${s.name}`);
      return { clusterAdmin: s.name === "web", secrets: ["*"], createPods: [], exec: [], evidence: ["engine says so"] };
    };
    const risks = rankRisks(snap, workloadsOf(snap), new Map(), reach);
    expect(calls.sort()).toEqual(["batch/default", "shop/web"]);
    expect(risks[0]!.chain).toContain("account: serviceaccount/web -n shop is cluster-admin");
    // The CronJob does not mount its token: the account's reach does not count.
    expect(risks.find((r) => r.workload === "cronjob/nightly -n batch")).toBeUndefined();
  });

  it("follows Ingress → Service → selected pods, and ignores selector-less Services", () => {
    const snap = snapshot([
      deployment("a", "api"),
      { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "a" }, spec: { selector: { app: "api" } } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "manual", namespace: "a" }, spec: { type: "NodePort", ports: [{ port: 1, nodePort: 30001 }] } },
      { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "api", namespace: "a" }, spec: { defaultBackend: { service: { name: "api" } } } },
      { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "other-ns", namespace: "b" }, spec: { defaultBackend: { service: { name: "api" } } } },
    ]);
    const eps = entryPoints(snap, workloadsOf(snap));
    expect(eps.get("deployment/api -n a")).toEqual([{ exposure: "internet", path: "ingress/api -n a (*/) -> service/api -n a" }]);
    expect(eps.size).toBe(1);
  });

  it("objects with missing or odd fields do not crash it", () => {
    const odd = [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "x" }, spec: "nonsense" },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "q", namespace: "x" } },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "x" }, spec: { template: 3 } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "x" }, spec: { type: "LoadBalancer", selector: "app" } },
      { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i", namespace: "x" }, spec: { rules: [null, { http: { paths: "x" } }] } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "b" }, roleRef: null, subjects: [null, 1] },
    ] as unknown as K8sObject[];
    const snap = snapshot(odd);
    expect(() => rankRisks(snap, workloadsOf(snap), new Map(), simpleReach)).not.toThrow();
  });
});
