// Tables of the integrations (docs/server-integrations.md): Harbor scan requests, notification
// rules, their de-duplication keys and deliveries, registry watches and the digests they saw.
import type { Kysely } from "kysely";
import type { ServerMigration } from "./index.js";

export const integrations: ServerMigration = {
  name: "0100_integrations",
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable("harbor_scans")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("scan_id", "text", (c) => c.notNull())
      .addColumn("artifact", "text", (c) => c.notNull())
      .addColumn("capabilities", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await s
      .createTable("notify_rules")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      /** AES-256-GCM of {"url","secret"}: a Slack URL is a credential too. */
      .addColumn("sealed", "text", (c) => c.notNull())
      .addColumn("url_hint", "text", (c) => c.notNull())
      .addColumn("format", "text", (c) => c.notNull())
      .addColumn("min_severity", "text", (c) => c.notNull())
      .addColumn("fixable_only", "integer", (c) => c.notNull())
      .addColumn("registries", "text", (c) => c.notNull())
      .addColumn("namespaces", "text", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await s
      .createTable("notify_sent")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await s
      .createTable("notify_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("rule_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("findings", "integer", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "text", (c) => c.notNull())
      .addColumn("last_error", "text")
      .addColumn("last_status_code", "integer")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("delivered_at", "text")
      .execute();
    await s.createIndex("notify_deliveries_due").on("notify_deliveries").columns(["status", "next_attempt_at"]).execute();
    await s.createIndex("notify_deliveries_created").on("notify_deliveries").column("created_at").execute();
    await s
      .createTable("watches")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("registry", "text", (c) => c.notNull())
      .addColumn("repositories", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("interval_seconds", "integer", (c) => c.notNull())
      .addColumn("insecure", "integer", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      /** AES-256-GCM of {"username","password"}, or null. */
      .addColumn("credentials", "text")
      /** sha256 of the per-watch event secret. */
      .addColumn("event_secret_hash", "text", (c) => c.notNull())
      .addColumn("last_listed_at", "text")
      .addColumn("next_list_at", "text")
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await s
      .createTable("watch_seen")
      .addColumn("watch_id", "text", (c) => c.notNull())
      .addColumn("repository", "text", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("scan_id", "text")
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("watch_seen_pk", ["watch_id", "repository", "digest"])
      .execute();
    await s.createIndex("findings_first_seen_notify").on("findings").column("first_seen").execute();
  },
};
