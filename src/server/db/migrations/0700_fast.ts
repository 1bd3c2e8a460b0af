// Speed at 10,000 images, second part (docs/server.md, "Speed"): package variants, so that a
// re-match works on distinct packages rather than package rows (rematch.ts, variants.ts).
// - pkg_variants: one row per distinct (OS, package as the matcher sees it), with its JSON;
// - variant_keys: the advisory lookup keys (ecosystem, name) of each variant (the re-match index,
//   a few thousand rows where package_keys has millions);
// - packages.variant, findings.variant: which variant a package row is, which variant a finding
//   was matched from (findings_open_variant: a re-match resolves a variant's vanished findings
//   through it);
// - rematch_stage: a re-match's results per variant, applied to the package rows by set-based
//   statements (UNLOGGED on PostgreSQL: scratch data, rebuilt by a re-run).
// Stored data is back-filled from the stored inventories (once, here).
import { sql, type Kysely } from "kysely";
import type { OSInfo, Report } from "../../../index.js";
import { lookupKeys } from "../../store.js";
import { ensureVariants, variantJson, variantKey } from "../../variants.js";
import type { Database } from "../schema.js";
import type { ServerMigration } from "./index.js";

export const fast: ServerMigration = {
  name: "0700_fast",
  async up(raw: Kysely<unknown>, dialect) {
    const run = (q: ReturnType<typeof sql>) => q.execute(raw);
    const id = dialect === "postgres" ? sql.raw("serial PRIMARY KEY") : sql.raw("integer PRIMARY KEY");
    await run(sql`CREATE TABLE pkg_variants (id ${id}, key text NOT NULL UNIQUE, purl text NOT NULL, json text NOT NULL)`);
    await run(sql`CREATE INDEX pkg_variants_purl ON pkg_variants (purl)`);
    await run(sql`CREATE TABLE variant_keys (ecosystem text NOT NULL, name text NOT NULL, variant integer NOT NULL REFERENCES pkg_variants (id), PRIMARY KEY (ecosystem, name, variant))`);
    await run(sql`ALTER TABLE packages ADD COLUMN variant integer`);
    await run(sql`ALTER TABLE findings ADD COLUMN variant integer`);
    const unlogged = dialect === "postgres" ? sql.raw("UNLOGGED ") : sql.raw("");
    await run(sql`CREATE ${unlogged}TABLE rematch_stage (
      run text NOT NULL, variant integer NOT NULL, vuln_id text NOT NULL, purl text NOT NULL, package text NOT NULL, version text NOT NULL,
      fixed_version text, layer text, severity text NOT NULL, advisory_id text NOT NULL, data text NOT NULL,
      PRIMARY KEY (run, variant, vuln_id, purl))`);

    // Back-fill: the variants of every stored package, from the stored inventories.
    const db = raw as unknown as Kysely<Database>;
    let after = "";
    for (;;) {
      const rows = await db.selectFrom("images").select(["digest", "inventory"]).where("digest", ">", after).orderBy("digest").limit(50).execute();
      if (!rows.length) break;
      after = rows.at(-1)!.digest;
      for (const r of rows) {
        const inv = JSON.parse(r.inventory) as Report;
        const os = (inv.artifact.os ?? null) as OSInfo | null;
        const items = inv.packages.map((p) => {
          const json = variantJson(p, os);
          return { key: variantKey(json), json, purl: p.purl, lookups: lookupKeys(p, os) };
        });
        if (!items.length) continue;
        const ids = await ensureVariants(db, items);
        for (let i = 0; i < items.length; i += 300) {
          const cases = items.slice(i, i + 300).map((it, n) => sql`WHEN ${i + n} THEN ${ids.get(it.key)!}`);
          await run(sql`UPDATE packages SET variant = CASE idx ${sql.join(cases, sql` `)} END WHERE image_digest = ${r.digest} AND idx >= ${i} AND idx < ${i + 300}`);
        }
      }
    }
    await run(sql`UPDATE findings SET variant = (SELECT p.variant FROM packages p WHERE p.image_digest = findings.image_digest AND p.idx = findings.pkg_idx)`);
    // PostgreSQL: room on each page for a new version of a row, so that a re-match updating a
    // finding's non-indexed columns (fixed version, data) is a HOT update that leaves the indexes
    // alone (applies to pages written from now on).
    if (dialect === "postgres") await run(sql`ALTER TABLE findings SET (fillfactor = 75)`);
    // Built after the back-fill (one pass instead of an update per row).
    await run(sql`CREATE INDEX packages_variant ON packages (variant, image_digest, idx)`);
    await run(sql`CREATE INDEX findings_open_variant ON findings (variant, vuln_id, purl) WHERE resolved_at IS NULL`);
  },
};
