// Finding JSON stored once (migration 0900_finding_data; docs/server.md, "Finding data").
// findings.data holds "@" + the content key of its Vulnerability JSON in finding_data; rows
// written before the migration hold the JSON itself. Writers call `FindingData.ref` for each
// JSON and `save` in the same transaction. Readers that need the whole findings (exports) use
// `openVulnerabilities`, one statement; readers that take a field of it pass their rows through
// `resolveFindingData`.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Vulnerability } from "../index.js";
import type { Db } from "./store.js";

const REF = "@";

/** The content key of a finding JSON: sha256, base64url, 24 characters (144 bits). */
export const findingDataKey = (json: string): string => createHash("sha256").update(json).digest("base64url").slice(0, 24);

/** The finding JSONs one write refers to, saved once each. */
export class FindingData {
  private readonly pending = new Map<string, string>();

  /** The findings.data value for `json` (whose key is `key`); `json` is saved by the next `save`. */
  add(key: string, json: string): string {
    this.pending.set(key, json);
    return REF + key;
  }

  /** Inserts the JSONs not stored yet (in the caller's transaction, before the findings that name them). */
  async save(db: Db): Promise<void> {
    const rows = [...this.pending].map(([key, data]) => ({ key, data }));
    this.pending.clear();
    for (let i = 0; i < rows.length; i += 100) {
      await db.insertInto("finding_data").values(rows.slice(i, i + 100)).onConflict((oc) => oc.column("key").doNothing()).execute();
    }
  }
}

/**
 * An image's open findings as Vulnerability objects (in id, purl order), each finding's JSON read
 * in the same statement as the finding: a collection between two statements cannot remove it.
 */
export async function openVulnerabilities(db: Db, digest: string): Promise<Vulnerability[]> {
  const rows = await sql<{ data: string }>`SELECT COALESCE(d.data, f.data) AS data FROM findings f LEFT JOIN finding_data d ON d.key = substr(f.data, 2)
    WHERE f.image_digest = ${digest} AND f.resolved_at IS NULL ORDER BY f.vuln_id, f.purl`.execute(db);
  return rows.rows.map((r) => JSON.parse(r.data) as Vulnerability);
}

/**
 * Replaces findings.data references in `rows` by the JSON they name (in place; inline JSON stays).
 * A second statement: JSON collected in between (its finding re-matched meanwhile) reads as `{}`,
 * so this serves readers of single fields (a title), not exports.
 */
export async function resolveFindingData<T extends { data: string }>(db: Db, rows: T[]): Promise<T[]> {
  const keys = [...new Set(rows.filter((r) => r.data.startsWith(REF)).map((r) => r.data.slice(REF.length)))];
  if (!keys.length) return rows;
  const by = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 500) {
    for (const r of await db.selectFrom("finding_data").select(["key", "data"]).where("key", "in", keys.slice(i, i + 500)).execute()) by.set(r.key, r.data);
  }
  for (const r of rows) {
    if (!r.data.startsWith(REF)) continue;
    const data = by.get(r.data.slice(REF.length));
    r.data = data ?? "{}";
  }
  return rows;
}

/**
 * Deletes finding JSON no finding names any more (after re-matches replaced it). One pass over
 * findings.data: SQLite builds a temporary index of the subquery once (NOT IN); PostgreSQL plans
 * an anti-join. Returns the number of records removed.
 */
export async function collectFindingData(db: Db, dialect: "sqlite" | "postgres"): Promise<number> {
  const r =
    dialect === "sqlite"
      ? await sql`DELETE FROM finding_data WHERE ('@' || key) NOT IN (SELECT data FROM findings WHERE data LIKE '@%')`.execute(db)
      : await sql`DELETE FROM finding_data d WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.data = '@' || d.key)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
