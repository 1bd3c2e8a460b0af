// Runtime alerts posted by `bulwark runtime watch --server` (docs/runtime.md).
import type { Kysely } from "kysely";
import type { ServerMigration } from "./index.js";

export const alerts: ServerMigration = {
  name: "0500_alerts",
  async up(db: Kysely<unknown>, dialect) {
    const s = db.schema;
    await s
      .createTable("runtime_alerts")
      .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
      /** The alert's own time (ISO 8601, UTC, as toISOString writes it: compares as text). */
      .addColumn("time", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      /** The watcher's host name. */
      .addColumn("host", "text", (c) => c.notNull())
      .addColumn("rule", "text", (c) => c.notNull())
      .addColumn("priority", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      /** Full container id, or "host". */
      .addColumn("container", "text", (c) => c.notNull())
      .addColumn("container_name", "text")
      .addColumn("image", "text")
      .addColumn("output", "text", (c) => c.notNull())
      /** JSON: the alert's output_fields. */
      .addColumn("fields", "text", (c) => c.notNull())
      /** JSON array of the rule's tags. */
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("suppressed", "integer", (c) => c.notNull())
      /** Name of the token that posted it. */
      .addColumn("posted_by", "text", (c) => c.notNull())
      .execute();
    await s.createIndex("runtime_alerts_time").on("runtime_alerts").columns(["time", "id"]).execute();
    await s.createIndex("runtime_alerts_rule").on("runtime_alerts").columns(["rule", "time"]).execute();
    await s.createIndex("runtime_alerts_container").on("runtime_alerts").columns(["container", "time"]).execute();
  },
};
