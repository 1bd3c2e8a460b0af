// Cluster reports queryable across clusters (docs/kubernetes.md, "The server side"): per cluster
// its newest report (k8s_clusters), and that report's workloads with the image digests they run
// (k8s_workload_images), joined with the open findings by digest at query time. Reports stored
// before this migration are indexed here (the newest of each cluster).
import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { indexClusterReport } from "../../k8s-workloads.js";
import type { ServerMigration } from "./index.js";

export const k8sClusters: ServerMigration = {
  name: "0800_k8s_clusters",
  async up(raw: Kysely<unknown>) {
    await raw.schema
      .createTable("k8s_clusters")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("report_id", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .execute();
    await raw.schema
      .createTable("k8s_workload_images")
      .addColumn("report_id", "text", (c) => c.notNull())
      .addColumn("cluster", "text", (c) => c.notNull())
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("namespace", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("image", "text")
      .addColumn("reference", "text")
      .addColumn("containers", "text", (c) => c.notNull())
      .execute();
    // By digest (the join with findings), and by cluster (replaced on every report).
    await raw.schema.createIndex("k8s_workload_images_digest").on("k8s_workload_images").columns(["digest", "report_id"]).execute();
    await raw.schema.createIndex("k8s_workload_images_cluster").on("k8s_workload_images").columns(["cluster"]).execute();
    const db = raw as unknown as Kysely<Database>;
    const clusters = await db.selectFrom("k8s_reports").select("cluster").distinct().execute();
    for (const { cluster } of clusters) {
      const row = await db.selectFrom("k8s_reports").select(["id", "received_at", "report"]).where("cluster", "=", cluster).orderBy("received_at", "desc").orderBy("id", "desc").executeTakeFirst();
      if (!row) continue;
      let report: { workloads?: unknown } = {};
      try {
        report = JSON.parse(row.report) as typeof report;
      } catch {
        /* stored reports were validated JSON; an unreadable one indexes no workload */
      }
      await indexClusterReport(db, row.id, cluster, row.received_at, report);
    }
  },
};
