// The core schema: images and their inventories, findings, scans, tokens, audit log, registry
// credentials, the embedded queue's jobs and the advisory change tracker.
import type { Kysely } from "kysely";
import type { ServerMigration } from "./index.js";

export const core: ServerMigration = {
  name: "0001_core",
  async up(db: Kysely<unknown>, dialect) {
    const serial = dialect === "postgres" ? "bigserial" : "integer";
    const s = db.schema;
    await s.createTable("meta").addColumn("key", "text", (c) => c.primaryKey()).addColumn("value", "text", (c) => c.notNull()).execute();
    await s
      .createTable("images")
      .addColumn("digest", "text", (c) => c.primaryKey())
      .addColumn("registry", "text")
      .addColumn("repository", "text")
      .addColumn("platform", "text")
      .addColumn("os", "text")
      .addColumn("os_eol_date", "text")
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addColumn("last_seen", "text", (c) => c.notNull())
      .addColumn("inventory", "text", (c) => c.notNull())
      .addColumn("counts", "text", (c) => c.notNull())
      .addColumn("oldest_open_critical", "text")
      .execute();
    await s
      .createTable("image_names")
      .addColumn("digest", "text", (c) => c.notNull().references("images.digest").onDelete("cascade"))
      .addColumn("name", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("image_names_pk", ["digest", "name"])
      .execute();
    await s.createIndex("image_names_name").on("image_names").column("name").execute();
    await s
      .createTable("image_layers")
      .addColumn("digest", "text", (c) => c.notNull().references("images.digest").onDelete("cascade"))
      .addColumn("idx", "integer", (c) => c.notNull())
      .addColumn("layer_digest", "text", (c) => c.notNull())
      .addColumn("diff_id", "text")
      .addColumn("size", "bigint")
      .addColumn("created_by", "text")
      .addPrimaryKeyConstraint("image_layers_pk", ["digest", "idx"])
      .execute();
    await s
      .createTable("packages")
      .addColumn("image_digest", "text", (c) => c.notNull().references("images.digest").onDelete("cascade"))
      .addColumn("idx", "integer", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("purl", "text", (c) => c.notNull())
      .addColumn("layer", "text")
      .addPrimaryKeyConstraint("packages_pk", ["image_digest", "idx"])
      .execute();
    await s.createIndex("packages_name").on("packages").columns(["name", "version"]).execute();
    await s
      .createTable("package_keys")
      .addColumn("ecosystem", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("image_digest", "text", (c) => c.notNull().references("images.digest").onDelete("cascade"))
      .addColumn("pkg_idx", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("package_keys_pk", ["ecosystem", "name", "image_digest", "pkg_idx"])
      .execute();
    await s.createIndex("package_keys_image").on("package_keys").column("image_digest").execute();
    await s
      .createTable("findings")
      .addColumn("image_digest", "text", (c) => c.notNull().references("images.digest").onDelete("cascade"))
      .addColumn("vuln_id", "text", (c) => c.notNull())
      .addColumn("pkg_idx", "integer", (c) => c.notNull())
      .addColumn("package", "text", (c) => c.notNull())
      .addColumn("purl", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("fixed_version", "text")
      .addColumn("layer", "text")
      .addColumn("severity", "text", (c) => c.notNull())
      .addColumn("advisory_id", "text", (c) => c.notNull())
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("findings_pk", ["image_digest", "vuln_id", "purl"])
      .execute();
    await s.createIndex("findings_vuln").on("findings").columns(["vuln_id", "resolved_at"]).execute();
    await s.createIndex("findings_advisory").on("findings").column("advisory_id").execute();
    await s
      .createTable("scans")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("image", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("digest", "text")
      .addColumn("error", "text")
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("requested_by", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await s.createIndex("scans_digest").on("scans").column("digest").execute();
    await s
      .createTable("tokens")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_used_at", "text")
      .addColumn("revoked_at", "text")
      .execute();
    await s
      .createTable("audit_log")
      .addColumn("id", serial, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target", "text")
      .addColumn("detail", "text")
      .execute();
    await s
      .createTable("registry_credentials")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("registry", "text", (c) => c.notNull().unique())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await s
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("singleton_key", "text")
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("max_attempts", "integer", (c) => c.notNull())
      .addColumn("run_after", "text", (c) => c.notNull())
      .addColumn("lease_until", "text")
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await s.createIndex("jobs_claim").on("jobs").columns(["queue", "state", "run_after"]).execute();
    await s
      .createTable("advisory_state")
      .addColumn("record_id", "text", (c) => c.primaryKey())
      .addColumn("modified", "text", (c) => c.notNull())
      .execute();
  },
};
