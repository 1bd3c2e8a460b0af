// Output writers of a cluster scan on a snapshot built in memory.
import { describe, expect, it } from "vitest";
import { sarifErrors } from "../report/sarif/test-support/sarif-schema.js";
import { clusterJsonChunks, refToUri, writeClusterJson, writeClusterSarif, writeClusterTable } from "./output.js";
import { scanCluster } from "./scan.js";
import { emptyObjects, type ClusterSnapshot } from "./snapshot.js";

function snapshot(): ClusterSnapshot {
  const snap: ClusterSnapshot = { server: "https://k8s.example", collectedAt: "2026-01-01T00:00:00Z", objects: emptyObjects(), errors: [{ resource: "secrets", status: 403, message: 'secrets is forbidden: User "x"\ncannot list' }], requests: 0 };
  snap.objects.namespaces.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
  for (let i = 0; i < 1200; i++) {
    snap.objects.pods.push({ apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, namespace: "a", uid: `u${i}` }, spec: { hostNetwork: i % 2 === 0, containers: [{ name: "c", image: "busybox", securityContext: { privileged: i % 3 === 0 } }] } });
  }
  return snap;
}

describe("cluster report writers", () => {
  it("the chunked JSON is byte for byte the whole JSON", async () => {
    const report = await scanCluster({ snapshot: snapshot(), images: false, components: false });
    expect(report.misconfigurations.length).toBeGreaterThan(1000);
    const chunks = [...clusterJsonChunks(report)];
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join("")).toBe(writeClusterJson(report));
    // The compact form (uploads) is JSON.stringify's bytes.
    const compact = [...clusterJsonChunks(report, { compact: true })];
    expect(compact.length).toBeGreaterThan(5);
    expect(compact.join("")).toBe(JSON.stringify(report));
  });

  it("the table groups by namespace and strips control characters", async () => {
    const report = await scanCluster({ snapshot: snapshot(), images: false, components: false });
    const t = writeClusterTable(report);
    expect(t).toContain("Namespace a  (Pod Security enforce: restricted, version v1.36; 1200 workload(s) violate it)");
    expect(t).toContain('secrets: HTTP 403: secrets is forbidden: User "x"?cannot list');
  });

  it("SARIF validates against the SARIF 2.1.0 schema, one result per finding", async () => {
    const report = await scanCluster({ snapshot: snapshot(), images: false, components: false });
    const doc = JSON.parse(await writeClusterSarif(report));
    expect(sarifErrors(doc)).toEqual([]);
    expect(doc.runs[0].results).toHaveLength(report.misconfigurations.length);
    expect(doc.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^a\/pod\/p\d+$/);
  });

  it("kubectl references become URI paths", () => {
    expect(refToUri("deployment/web -n shop")).toBe("shop/deployment/web");
    expect(refToUri("clusterrole/system:aggregate-to-admin")).toBe("_cluster/clusterrole/system%3Aaggregate-to-admin");
  });
});
