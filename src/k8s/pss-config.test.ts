// k8s scan with the API server's PodSecurityConfiguration (--pss-config) on a snapshot built in
// memory: its enforce default judges namespaces without the label (level and version), its exempt
// namespaces and runtime classes are reported as exempt instead of violating.
import { describe, expect, it } from "vitest";
import { parsePssVersion } from "../misconfig/kubernetes/index.js";
import type { ClusterPssConfig } from "./rules.js";
import { scanCluster } from "./scan.js";
import { emptyObjects, type ClusterSnapshot, type K8sObject } from "./snapshot.js";

const ns = (name: string, labels: Record<string, string> = {}): K8sObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const pod = (namespace: string, name: string, spec: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace, uid: `${namespace}-${name}` },
  spec: { automountServiceAccountToken: false, ...spec, containers: [{ name: "app", image: "nginx:1", securityContext: { privileged: true } }] },
});

function snapshot(): ClusterSnapshot {
  const objects = emptyObjects();
  objects.namespaces.push(ns("shop"), ns("legacy"), ns("open", { "pod-security.kubernetes.io/enforce": "privileged" }), ns("pinned", { "pod-security.kubernetes.io/enforce": "restricted" }));
  objects.pods.push(pod("shop", "web"), pod("shop", "sandboxed", { runtimeClassName: "gvisor" }), pod("legacy", "old"), pod("open", "agent"), pod("pinned", "x"));
  return { server: "https://k8s.example", collectedAt: "2026-01-01T00:00:00Z", objects, errors: [], requests: 0 };
}

const config: ClusterPssConfig = {
  defaults: { enforce: { level: "baseline", version: parsePssVersion("v1.30")! } },
  exemptions: { namespaces: ["legacy"], runtimeClasses: ["gvisor"] },
};

describe("k8s scan with a PodSecurityConfiguration", () => {
  it("defaults judge unlabelled namespaces; exempt namespaces and runtime classes are reported exempt", async () => {
    const without = await scanCluster({ snapshot: snapshot(), images: false, components: false });
    const withCfg = await scanCluster({ snapshot: snapshot(), images: false, components: false, pssConfig: config });
    const nsOf = (r: typeof without, name: string) => r.namespaces.find((n) => n.name === name)!;
    const wl = (r: typeof without, ref: string) => r.workloads.find((w) => w.ref === ref)!;

    // Without the configuration an unlabelled namespace enforces nothing (the API server's default).
    expect(nsOf(without, "shop").pss).toEqual({ enforce: "privileged", labelled: false, version: "v1.36" });
    expect(wl(without, "pod/web -n shop").pss.violatesEnforce).toBe(false);

    expect(nsOf(withCfg, "shop").pss).toEqual({ enforce: "baseline", labelled: false, version: "v1.30", fromDefaults: true });
    expect(wl(withCfg, "pod/web -n shop").pss).toEqual({ level: "privileged", enforce: "baseline", version: "v1.30", violatesEnforce: true });
    expect(wl(withCfg, "pod/sandboxed -n shop").pss).toMatchObject({ violatesEnforce: false, exempt: "runtimeClass gvisor" });
    expect(nsOf(withCfg, "shop").violating).toBe(1);

    expect(nsOf(withCfg, "legacy").pss).toMatchObject({ enforce: "baseline", exempt: true });
    expect(wl(withCfg, "pod/old -n legacy").pss).toMatchObject({ violatesEnforce: false, exempt: "namespace legacy" });
    expect(nsOf(withCfg, "legacy").violating).toBe(0);

    // Labels win; a label without a version takes the default version.
    expect(nsOf(withCfg, "open").pss).toEqual({ enforce: "privileged", labelled: true, version: "v1.30", fromDefaults: true });
    expect(wl(withCfg, "pod/agent -n open").pss.violatesEnforce).toBe(false);
    expect(nsOf(withCfg, "pinned").pss).toMatchObject({ enforce: "restricted", labelled: true });

    // The findings themselves are the same: exemption changes the judgement, not the rules' output.
    expect(withCfg.misconfigurations.filter((m) => m.ruleId === "BW-K8S-004").map((m) => m.path).sort()).toEqual(without.misconfigurations.filter((m) => m.ruleId === "BW-K8S-004").map((m) => m.path).sort());
  });
});
