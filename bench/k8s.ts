// `npm run bench -- k8s`: a real kube-apiserver (test/support/kube-apiserver.ts) holding 10,000
// pods across 500 namespaces (each namespace also a Deployment, a Service, a ServiceAccount, a
// Role and a RoleBinding; pod statuses name 50 distinct image digests), created through the API
// with concurrency. Then `bulwark k8s scan` (the bundled CLI, a fresh process) over all of it:
// config rules, PSS per namespace, RBAC reach and exposure, images deduplicated (not pulled:
// --no-images), JSON written to a file. Reports wall time and peak RSS (VmHWM of the process),
// with the load average, for the default (full RBAC reach) and --simple-reach.
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { missingKube, startKubeApiServer, type KubeObject } from "../test/support/kube-apiserver.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const BIN = join(here, "..", "bulwark.mjs");

const NAMESPACES = Number(process.env.BENCH_K8S_NAMESPACES ?? 500);
const PODS_PER_NS = Number(process.env.BENCH_K8S_PODS ?? 20);

function hwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the CLI; returns wall ms, peak RSS (MB, from /proc VmHWM polled until exit) and exit code. */
function runCli(args: string[]): Promise<{ ms: number; peakMB: number; code: number; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    let peak = 0;
    const timer = setInterval(() => {
      const kb = hwmKb(child.pid!);
      if (kb) peak = Math.max(peak, kb);
    }, 20);
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - t0, peakMB: peak / 1024, code: code ?? -1, stderr });
    });
  });
}

export async function benchK8s(): Promise<void> {
  if (missingKube("k8s bench") !== undefined) return;
  const kube = await startKubeApiServer();
  try {
    const digest = (i: number) => `sha256:${(i % 50).toString(16).padStart(2, "0").repeat(32)}`;
    const t0 = performance.now();
    const namespaces: KubeObject[] = [];
    const objects: KubeObject[] = [];
    for (let n = 0; n < NAMESPACES; n++) {
      const ns = `team-${n}`;
      namespaces.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: n % 3 === 0 ? { "pod-security.kubernetes.io/enforce": "baseline" } : {} } });
      objects.push(
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "app", namespace: ns } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "app", namespace: ns }, spec: { selector: { matchLabels: { app: "app" } }, template: { metadata: { labels: { app: "app" } }, spec: { serviceAccountName: "app", containers: [{ name: "app", image: `registry.example/app-${n % 50}:1` }] } } } },
        { apiVersion: "v1", kind: "Service", metadata: { name: "app", namespace: ns }, spec: { type: n % 10 === 0 ? "NodePort" : "ClusterIP", selector: { app: "app" }, ports: [{ port: 80 }] } },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "app", namespace: ns }, rules: [{ apiGroups: [""], resources: n % 7 === 0 ? ["secrets"] : ["configmaps"], verbs: ["get", "list"] }] },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "app", namespace: ns }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "app" }, subjects: [{ kind: "ServiceAccount", name: "app", namespace: ns }] },
      );
      for (let p = 0; p < PODS_PER_NS; p++) {
        objects.push({
          apiVersion: "v1", kind: "Pod", metadata: { name: `app-${p}`, namespace: ns, labels: { app: "app" } },
          spec: { serviceAccountName: "app", containers: [{ name: "app", image: `registry.example/app-${(n + p) % 50}:1`, ...(p % 4 === 0 ? { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } } : {}) }] },
        });
      }
    }
    // Namespaces are labelled after their pods exist (the enforce label would refuse some).
    await kube.apply(namespaces.map((n) => ({ ...n, metadata: { name: n.metadata.name } })), { concurrency: 32 });
    const created = await kube.apply(objects, { concurrency: 48 });
    await kube.apply(namespaces, { concurrency: 32 });
    const pods = created.filter((o) => o.kind === "Pod");
    let next = 0;
    await Promise.all(Array.from({ length: 48 }, async () => {
      while (next < pods.length) {
        const i = next++;
        const pod = pods[i]!;
        const image = pod.spec.containers[0].image as string;
        const status = { phase: "Running", containerStatuses: [{ name: "app", image, imageID: `${image.replace(/:1$/, "")}@${digest(i)}`, ready: true, restartCount: 0, started: true, state: { running: {} } }] };
        const r = await kube.request("PUT", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { ...pod, status });
        if (r.status !== 200) throw new Error(`pod status: HTTP ${r.status}`);
      }
    }));
    const setupS = (performance.now() - t0) / 1000;
    console.log(`k8s bench: ${NAMESPACES} namespaces, ${pods.length} pods (+${objects.length - pods.length} other objects) created and statuses set in ${setupS.toFixed(1)} s`);

    const out = join(kube.dir, "scan.json");
    // Twice with the default reach (the RBAC engine's escalation analysis), then once with
    // --simple-reach (direct bindings only), to see what the full analysis costs.
    for (const [label, extra] of [["first", []], ["second", []], ["--simple-reach", ["--simple-reach"]]] as const) {
      const r = await runCli(["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--no-images", "--scanners", "package", "--format", "json", "-o", out, "-q", ...extra]);
      if (r.code !== 0) throw new Error(`k8s scan failed (${r.code}): ${r.stderr}`);
      const rep = JSON.parse(readFileSync(out, "utf8"));
      console.log(
        `k8s scan (${label} run): ${(r.ms / 1000).toFixed(2)} s, peak RSS ${r.peakMB.toFixed(0)} MB; ${rep.summary.pods} pods, ${rep.summary.workloads} workloads, ${rep.summary.images.total} distinct images, ${rep.misconfigurations.length} misconfigurations, ${rep.risks.length} ranked risks; JSON ${(statSync(out).size / 2 ** 20).toFixed(1)} MB; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
      );
    }
  } finally {
    await kube.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchK8s();
