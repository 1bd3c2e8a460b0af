import { describe, expect, it } from "vitest";
import { isKubernetesCandidate, kubernetesRules, scanKubernetes, scanKubernetesDetailed } from "./index.js";

const one = (text: string, path = "m.yaml") => scanKubernetes([{ path, text }]);
const byRule = (fs: ReturnType<typeof one>, id: string) => fs.filter((f) => f.ruleId === id);

const HELM = `# Source: shop/templates/sa.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: info
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: app
          image: nginx:latest
          securityContext:
            privileged: true
        - name: sidecar
          image: busybox:1.36
      initContainers:
        - name: init
          image: busybox:1.36
          securityContext:
            runAsUser: 0
`;

describe("scanKubernetes", () => {
  it("recognises candidate paths", () => {
    expect(isKubernetesCandidate("deploy/app.yaml")).toBe(true);
    expect(isKubernetesCandidate("x.YML")).toBe(true);
    expect(isKubernetesCandidate("list.json")).toBe(true);
    expect(isKubernetesCandidate("Dockerfile")).toBe(false);
  });

  it("points at the offending field in Helm output", () => {
    const fs = one(HELM);
    const priv = byRule(fs, "BW-K8S-004");
    expect(priv).toHaveLength(1);
    expect(priv[0]).toMatchObject({ line: 23, resource: { kind: "Deployment", name: "web", namespace: "shop", container: "app" } });
    expect(priv[0]!.message).toContain('container "app"');
    expect(byRule(fs, "BW-K8S-002")[0]!.line).toBe(18);
    expect(byRule(fs, "BW-K8S-025").map((f) => f.line)).toEqual([21]);
    expect(byRule(fs, "BW-K8S-017")[0]).toMatchObject({ line: 30, resource: { container: "init" } });
    expect(byRule(fs, "BW-K8S-017")[0]!.message).toContain("init container");
  });

  it("points at the container name line for missing fields", () => {
    const fs = one(HELM);
    const ro = byRule(fs, "BW-K8S-020");
    expect(ro.map((f) => [f.resource?.container, f.line])).toEqual([
      ["init", 27],
      ["app", 20],
      ["sidecar", 24],
    ]);
    // Missing pod-level field: the kind line.
    expect(byRule(fs, "BW-K8S-028")[0]!.line).toBe(11);
  });

  it("skips non-Kubernetes YAML silently", () => {
    const r = scanKubernetesDetailed([{ path: "ci.yml", text: "jobs:\n  build:\n    runs-on: ubuntu\n" }]);
    expect(r).toEqual({ findings: [], errors: [] });
  });

  it("reads CronJobs, ephemeral containers and List kinds in JSON", () => {
    const list = JSON.stringify(
      {
        apiVersion: "v1",
        kind: "List",
        items: [
          { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", image: "a:1", securityContext: { privileged: true } }] } } } } } },
          { apiVersion: "v1", kind: "Pod", metadata: { name: "dbg" }, spec: { containers: [], ephemeralContainers: [{ name: "debug", image: "b:1", securityContext: { privileged: true } }] } },
        ],
      },
      null,
      2,
    );
    const fs = byRule(one(list, "list.json"), "BW-K8S-004");
    expect(fs.map((f) => [f.resource?.kind, f.resource?.container])).toEqual([
      ["CronJob", "job"],
      ["Pod", "debug"],
    ]);
    const lines = list.split("\n");
    expect(lines[fs[0]!.line! - 1]).toContain('"privileged": true');
  });

  it("honours bulwark:ignore comments", () => {
    const text = HELM.replace("            privileged: true", "            # bulwark:ignore BW-K8S-004 needed for the CNI\n            privileged: true");
    expect(byRule(one(text), "BW-K8S-004")).toEqual([]);
  });
});

describe("RBAC across files", () => {
  const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list]
`;
  const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: reader-binding
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: reader
subjects:
  - kind: ServiceAccount
    name: default
    namespace: shop
  - kind: User
    name: system:anonymous
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: admins
roleRef:
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: User
    name: bob
`;
  const fs = scanKubernetes([
    { path: "role.yaml", text: role },
    { path: "binding.yaml", text: binding },
  ]);

  it("reports on the role's rule line and names the binding", () => {
    const s = byRule(fs, "BW-K8S-036");
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ path: "role.yaml", line: 9, severity: "HIGH" });
    expect(s[0]!.message).toContain("ClusterRoleBinding reader-binding");
    expect(s[0]!.message).toContain("ServiceAccount shop/default");
  });

  it("reports risky bindings on the subject or roleRef line", () => {
    expect(byRule(fs, "BW-K8S-043")[0]).toMatchObject({ path: "binding.yaml", line: 10 });
    expect(byRule(fs, "BW-K8S-042")[0]).toMatchObject({ path: "binding.yaml", line: 13, severity: "CRITICAL" });
    expect(byRule(fs, "BW-K8S-041")[0]).toMatchObject({ line: 22 });
    expect(byRule(fs, "BW-K8S-041")[0]!.message).toContain("User bob");
  });

  it("says when a role is not bound", () => {
    const alone = byRule(scanKubernetes([{ path: "role.yaml", text: role }]), "BW-K8S-036");
    expect(alone[0]!.message).toContain("not bound in the scanned files");
  });
});

describe("NetworkPolicy coverage", () => {
  const pod = (name: string, ns: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  containers:\n    - name: c\n      image: a:1\n`;
  const deny = (ns: string, types: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [${types}]\n`;

  it("reports each uncovered namespace once, on its first workload", () => {
    const fs = byRule(
      scanKubernetes([
        { path: "a.yaml", text: [pod("a1", "a"), pod("a2", "a"), pod("b1", "b"), pod("c1", "c")].join("---\n") },
        { path: "policies.yaml", text: [deny("b", "Ingress, Egress"), deny("c", "Ingress")].join("---\n") },
      ]),
      "BW-K8S-044",
    );
    expect(fs.map((f) => [f.resource?.name, f.line, f.message])).toEqual([
      ["a1", 2, "namespace a runs workloads but has no default-deny ingress or egress NetworkPolicy"],
      ["c1", 32, "namespace c runs workloads but has no default-deny egress NetworkPolicy"],
    ]);
  });
});

describe("hostile input", () => {
  it("reports an alias bomb instead of expanding it", () => {
    const bomb = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: x}", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`);
    const t0 = Date.now();
    const r = scanKubernetesDetailed([{ path: "bomb.yaml", text: bomb.join("\n") }]);
    expect(Date.now() - t0).toBeLessThan(10_000); // pathological slowness only
    expect(r.findings).toEqual([]);
    expect(r.errors[0]!.message).toMatch(/alias/i);
  });

  it("survives garbage, binary and broken YAML", () => {
    const inputs = ["\u0000\u0001\u0002{{{", "apiVersion: v1\nkind: Pod\nspec: [unclosed", ":\n  - : -\n: :", "kind: Pod\napiVersion: 5\nspec: 7", "apiVersion: v1\nkind: Pod\nspec:\n  containers: 3", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [null, 1, {securityContext: 5}]"];
    for (const text of inputs) expect(() => scanKubernetesDetailed([{ path: "x.yaml", text }])).not.toThrow();
    expect(scanKubernetesDetailed([{ path: "x.yaml", text: inputs[1]! }]).errors.length).toBeGreaterThan(0);
  });

  it("survives deep nesting", () => {
    const depth = 5000;
    const text = "apiVersion: v1\nkind: Pod\nmetadata: {name: deep}\nspec: " + "[".repeat(depth) + "]".repeat(depth);
    expect(() => scanKubernetesDetailed([{ path: "deep.yaml", text }])).not.toThrow();
  });

  it("refuses oversized files with an error", () => {
    const r = scanKubernetesDetailed([{ path: "big.yaml", text: "#".repeat(33 * 1024 * 1024) }]);
    expect(r.errors[0]!.message).toMatch(/too large/);
  });
});

describe("performance", () => {
  it("scans 10,000 documents quickly", () => {
    const docs: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const ns = `ns${i % 50}`;
      if (i % 4 === 0) docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b${i}\n  namespace: ${ns}\nroleRef:\n  kind: Role\n  name: r${i - 1}\nsubjects:\n  - kind: ServiceAccount\n    name: default\n`);
      else if (i % 4 === 1) docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r${i}\n  namespace: ${ns}\nrules:\n  - apiGroups: ["*"]\n    resources: [secrets, pods/exec]\n    verbs: ["*"]\n`);
      else docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: nginx\n          env:\n            - name: API_TOKEN\n              value: abcdefgh1234\n          securityContext:\n            privileged: true\n`);
    }
    const files = [];
    for (let f = 0; f < 10; f++) files.push({ path: `f${f}.yaml`, text: docs.slice(f * 1000, (f + 1) * 1000).join("---\n") });
    const t0 = performance.now();
    const fs = scanKubernetes(files);
    const ms = performance.now() - t0;
    console.log(`scanKubernetes: 10,000 documents, ${fs.length} findings in ${ms.toFixed(0)} ms`);
    expect(fs.length).toBeGreaterThan(10_000);
    expect(ms).toBeLessThan(10_000);
  });
});

describe("roles and first workloads, checked once every file was read", () => {
  const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: a:1\n`;
  const role = (ignore: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: shop\nrules:\n${ignore}  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n`;
  const binding = `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: grant\n  namespace: shop\nroleRef:\n  kind: Role\n  name: reader\nsubjects:\n  - kind: ServiceAccount\n    name: default\n`;
  const scan = (roleText: string) =>
    scanKubernetes([
      { path: "a.yaml", text: [pod("first"), roleText, pod("second")].join("---\n") },
      { path: "b.yaml", text: binding },
    ]);

  it("keeps findings in file, document and rule order", () => {
    const fs = scan(role(""));
    const blocks = fs.map((f) => f.resource?.name).filter((n, i, all) => n !== all[i - 1]);
    expect(blocks).toEqual(["first", "reader", "second", "grant"]);
    const order = new Map(kubernetesRules.map((r, i) => [r.id, i]));
    const firstRules = fs.filter((f) => f.resource?.name === "first").map((f) => order.get(f.ruleId)!);
    expect(firstRules).toEqual([...firstRules].sort((a, b) => a - b));
    expect(byRule(fs, "BW-K8S-044").map((f) => f.resource?.name)).toEqual(["first"]);
    expect(byRule(fs, "BW-K8S-036")[0]!.message).toContain("bound by RoleBinding shop/grant (ServiceAccount default)");
  });

  it("applies suppression comments to them", () => {
    expect(byRule(scan(role("  # bulwark:ignore BW-K8S-036 read-only tooling\n")), "BW-K8S-036")).toEqual([]);
  });
});
