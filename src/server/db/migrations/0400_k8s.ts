// Cluster reports from `bulwark k8s scan --server URL` (docs/kubernetes.md, "The server"): the
// scan's JSON as sent, per cluster name, with when it came and who sent it. The route keeps the
// newest few per cluster.
import type { Kysely } from "kysely";
import type { ServerMigration } from "./index.js";

export const k8s: ServerMigration = {
  name: "0400_k8s",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("k8s_reports")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("cluster", "text", (c) => c.notNull())
      .addColumn("server", "text", (c) => c.notNull())
      .addColumn("context", "text")
      .addColumn("collected_at", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("uploaded_by", "text", (c) => c.notNull())
      /** The report's `summary` (JSON), for the cluster list without reading whole reports. */
      .addColumn("summary", "text", (c) => c.notNull())
      /** The k8s scan JSON report as received (schema-validated). */
      .addColumn("report", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("k8s_reports_cluster").on("k8s_reports").columns(["cluster", "received_at"]).execute();
  },
};
