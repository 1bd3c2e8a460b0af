// Read side of the advisory database, used by scans: prepared statements, only the rows asked
// for are read and parsed, parsed records are cached per instance.
import type Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { UserError } from "../errors.js";
import type { OsvRecord } from "../model/osv.js";
import { ecosystemBase, normalizeName } from "../versioning/index.js";
import { removeStaleWorkingFilesIfIdle } from "./lock.js";
import { HINT, decodeRecord, getMeta, openChecked, readEcosystems } from "./schema.js";

export interface EcosystemSummary {
  ecosystem: string;
  records: number;
  updatedAt?: string;
  source?: string;
}

export class AdvisoryDB {
  private readonly cache = new Map<string, OsvRecord>();
  private readonly byName: Database.Statement<[string, string], { record_id: string }>;
  private readonly byAlias: Database.Statement<[string], { record_id: string }>;
  private readonly byId: Database.Statement<[string], { json: Buffer }>;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.byName = db.prepare("SELECT record_id FROM affected WHERE ecosystem_base = ? AND name = ? ORDER BY record_id");
    this.byAlias = db.prepare("SELECT record_id FROM aliases WHERE alias = ? ORDER BY record_id");
    this.byId = db.prepare("SELECT json FROM records WHERE id = ?");
  }

  /**
   * Opens read-only. UserError NOT_FOUND if missing, INPUT if not ours or from a newer Bulwark.
   * Never waits for writers; removes what crashed writers left when none is running.
   */
  static open(path: string): AdvisoryDB {
    removeStaleWorkingFilesIfIdle(path);
    if (!existsSync(path)) throw new UserError("NOT_FOUND", `no advisory database at ${path}; ${HINT}`);
    const db = openChecked(path);
    try {
      return new AdvisoryDB(db, path);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Records affecting `name` in the ecosystem (base name; `Debian:12` is read as `Debian`). */
  query(ecosystem: string, name: string): OsvRecord[] {
    const base = ecosystemBase(ecosystem);
    const rows = this.byName.all(base, normalizeName(base, name));
    return this.load(rows);
  }

  /** Records that list `alias` (a CVE, GHSA, … id) among their aliases. */
  findByAlias(alias: string): OsvRecord[] {
    return this.load(this.byAlias.all(alias));
  }

  get(id: string): OsvRecord | undefined {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const row = this.byId.get(id);
    if (!row) return undefined;
    const rec = decodeRecord(row.json);
    this.cache.set(id, rec);
    return rec;
  }

  /** Every record's id and `modified` (no record is decoded): what a change tracker compares. */
  *recordVersions(): IterableIterator<{ id: string; modified: string }> {
    yield* this.db.prepare("SELECT id, modified FROM records").iterate() as IterableIterator<{ id: string; modified: string }>;
  }

  /** The (ecosystem base, name) lookup keys that the records `ids` are indexed under. */
  lookupKeysOf(ids: readonly string[]): { recordId: string; ecosystem: string; name: string }[] {
    const stmt = this.db.prepare("SELECT record_id, ecosystem_base, name FROM affected WHERE record_id = ?");
    const out: { recordId: string; ecosystem: string; name: string }[] = [];
    for (const id of ids) for (const r of stmt.iterate(id) as IterableIterator<{ record_id: string; ecosystem_base: string; name: string }>) out.push({ recordId: r.record_id, ecosystem: r.ecosystem_base, name: r.name });
    return out;
  }

  ecosystems(): EcosystemSummary[] {
    return [...readEcosystems(this.db)]
      .map(([ecosystem, i]) => ({ ecosystem, records: i.records, updatedAt: i.updatedAt, source: i.source }))
      .sort((a, b) => a.ecosystem.localeCompare(b.ecosystem));
  }

  recordCount(): number {
    // Kept in meta by every build, so status checks do not scan the table.
    const n = getMeta(this.db, "records");
    return n !== undefined ? Number(n) : (this.db.prepare("SELECT COUNT(*) AS n FROM records").get() as { n: number }).n;
  }

  builtAt(): string | undefined {
    return getMeta(this.db, "built_at");
  }

  schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  close(): void {
    this.cache.clear();
    this.db.close();
  }

  private load(rows: { record_id: string }[]): OsvRecord[] {
    const out: OsvRecord[] = [];
    for (const { record_id } of rows) {
      const rec = this.get(record_id);
      if (rec) out.push(rec);
    }
    return out;
  }
}
