// The index behind "which workloads in which clusters run an image affected by CVE-X" (GET
// /api/v1/k8s/workloads, routes/k8s.ts): for the newest `k8s scan` report of each cluster, one row
// per (workload, image digest) the report says it runs (pod status imageIDs; templates pinned by
// digest). Findings are not copied: the query joins these rows with the server's own open findings
// by digest, so a re-match of the images after an advisory change shows at once, without a new
// cluster report. Written when a report is received (and by migration 0800 for reports stored
// before it); only the newest report's rows are kept per cluster (k8s_clusters names it).
import type { Kysely, Transaction } from "kysely";
import type { Database, K8sWorkloadImagesTable } from "./db/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export type WorkloadImageRow = K8sWorkloadImagesTable;

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const str = (v: unknown, max = 4096): string | null => (typeof v === "string" && v.length <= max ? v : null);

/** The rows of one stored report (`workloads[].images[]` with a digest); odd entries are skipped. */
export function workloadImageRows(reportId: string, cluster: string, report: { workloads?: unknown }): WorkloadImageRow[] {
  const out = new Map<string, WorkloadImageRow>();
  for (const w of Array.isArray(report.workloads) ? report.workloads : []) {
    if (typeof w !== "object" || w === null) continue;
    const o = w as Record<string, unknown>;
    const ref = str(o.ref), kind = str(o.kind, 253), name = str(o.name, 253);
    if (!ref || !kind || !name) continue;
    const namespace = str(o.namespace, 253) ?? "";
    for (const i of Array.isArray(o.images) ? o.images : []) {
      if (typeof i !== "object" || i === null) continue;
      const img = i as Record<string, unknown>;
      const digest = str(img.digest, 100);
      if (!digest || !DIGEST.test(digest)) continue;
      const key = `${ref}\n${digest}`;
      const container = str(img.container, 253) ?? "";
      const row = out.get(key);
      if (row) {
        if (container && !row.containers.split(",").includes(container)) row.containers += `,${container}`;
        continue;
      }
      out.set(key, { report_id: reportId, cluster, ref, namespace, kind, name, digest, image: str(img.image), reference: str(img.pullRef), containers: container });
    }
  }
  return [...out.values()];
}

/** Makes `reportId` the cluster's newest report in the index: its rows replace the cluster's old ones. */
export async function indexClusterReport(db: Db, reportId: string, cluster: string, receivedAt: string, report: { workloads?: unknown }): Promise<number> {
  await db.deleteFrom("k8s_workload_images").where("cluster", "=", cluster).execute();
  const rows = workloadImageRows(reportId, cluster, report);
  // 10 columns a row: 500 rows stay under SQLite's and PostgreSQL's bound-parameter limits.
  for (let i = 0; i < rows.length; i += 500) await db.insertInto("k8s_workload_images").values(rows.slice(i, i + 500)).execute();
  await db
    .insertInto("k8s_clusters")
    .values({ name: cluster, report_id: reportId, received_at: receivedAt })
    .onConflict((oc) => oc.column("name").doUpdateSet({ report_id: reportId, received_at: receivedAt }))
    .execute();
  return rows.length;
}
