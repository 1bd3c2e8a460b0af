// `bulwark db update`: mirrors osv.dev's per-ecosystem exports into the local database.
//
// Repository layout (osv.dev's GCS bucket, or a local mirror of it):
//   <base>/<ECOSYSTEM>/all.zip           every record, one JSON file each
//   <base>/<ECOSYSTEM>/modified_id.csv   "<RFC3339 modified>,<ID>" lines, newest first
//   <base>/<ECOSYSTEM>/<ID>.json         one record
// The first update of an ecosystem (or one after a lot of churn) reads all.zip; later ones
// read the CSV and fetch only the records modified since the newest one we have.
import { existsSync, rmSync } from "node:fs";
import { UserError } from "../errors.js";
import { ecosystemBase } from "../versioning/index.js";
import type { HttpOptions } from "./http.js";
import { RecordSink, addZip } from "./import.js";
import { removeStaleWorkingFilesIfIdle, type LockOptions } from "./lock.js";
import { AdvisoryDB, type EcosystemSummary } from "./store.js";
import { sourceFor, type Source } from "./source.js";
import { tempPathFor, withDbWriter, type DbWriter } from "./writer.js";

export const DEFAULT_REPOSITORY = "https://osv-vulnerabilities.storage.googleapis.com";

export interface UpdateProgress {
  ecosystem: string;
  phase: "download" | "import" | "fetch";
  /** Bytes downloaded, or records processed. */
  done: number;
  total?: number;
}

export interface UpdateOptions extends Pick<HttpOptions, "fetchImpl" | "retries" | "retryDelayMs" | "timeoutMs" | "idleTimeoutMs">, LockOptions {
  /** osv.dev ecosystem folder names, e.g. "Debian", "PyPI", "Red Hat". */
  ecosystems: string[];
  /** http(s):// base URL, file:// URL or local directory. */
  repository?: string;
  onProgress?(p: UpdateProgress): void;
  /** Records fetched at once in incremental mode. */
  parallel?: number;
  /** More changed records than this and we fetch all.zip instead. */
  fullThreshold?: number;
  /**
   * Called for an ecosystem that failed before anything of it was written (say, a mirror without
   * it): the others still land. Without it, or after a failure mid-write, nothing lands.
   */
  onSkipped?(ecosystem: string, error: UserError): void;
}

export interface UpdateResult {
  ecosystem: string;
  mode: "full" | "incremental";
  /** Records read and applied in this run (stored, replaced or withdrawn). */
  records: number;
}

const MAX_CSV_BYTES = 256 * 2 ** 20;
const MAX_RECORD_BYTES = 16 * 2 ** 20;
// osv.dev ids: letters, digits and . _ : + - (e.g. GHSA-xxxx, RHSA-2024:0001, openSUSE-SU-2024:1-1).
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,199}$/;

function checkEcosystemName(eco: string): void {
  if (!eco || eco === "." || eco === ".." || /[/\\\0-\x1f]/.test(eco)) throw new UserError("USAGE", `invalid ecosystem name ${JSON.stringify(eco)}`);
}

interface CsvLine {
  modified: string;
  ms: number;
  id: string;
}

export function parseModifiedCsv(text: string, where: string): CsvLine[] {
  const out: CsvLine[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const comma = line.indexOf(",");
    const modified = line.slice(0, comma).trim();
    const id = line.slice(comma + 1).trim();
    const ms = Date.parse(modified);
    if (comma < 0 || Number.isNaN(ms) || !ID_RE.test(id)) throw new UserError("INPUT", `${where}: malformed line ${i + 1}: ${JSON.stringify(line.slice(0, 120))}`);
    out.push({ modified, ms, id });
  });
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight; stops at the first error. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const bad = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (bad) throw bad.reason;
}

class EcosystemUpdater {
  constructor(
    private readonly w: DbWriter,
    private readonly src: Source,
    private readonly dbPath: string,
    private readonly opts: UpdateOptions,
  ) {}

  async run(eco: string): Promise<UpdateResult> {
    const info = this.w.ecosystem(eco);
    if (info?.highWater && info.highWaterSource === this.src.label) {
      const inc = await this.incremental(eco, info.highWater);
      if (inc) return inc;
    }
    return this.full(eco);
  }

  /** undefined: too many changes (or a listed record is gone), do a full update instead. */
  private async incremental(eco: string, highWater: string): Promise<UpdateResult | undefined> {
    const csvWhere = this.src.where(eco, "modified_id.csv");
    const lines = parseModifiedCsv(await this.src.text(eco, "modified_id.csv", MAX_CSV_BYTES), csvWhere);
    const since = Date.parse(highWater);
    const changed = lines.filter((l) => l.ms > since);
    if (changed.length > (this.opts.fullThreshold ?? 5000)) return undefined;
    const sink = new RecordSink(this.w);
    let done = 0;
    try {
      await eachLimited(changed, this.opts.parallel ?? 8, async (l) => {
        const text = await this.src.text(eco, `${l.id}.json`, MAX_RECORD_BYTES);
        sink.addText(this.src.where(eco, `${l.id}.json`), text);
        this.opts.onProgress?.({ ecosystem: eco, phase: "fetch", done: ++done, total: changed.length });
      });
    } catch (e) {
      // Listed in the CSV but not served: the export is mid-rewrite; all.zip is consistent.
      if (e instanceof UserError && e.code === "NOT_FOUND") return undefined;
      throw e;
    }
    const bad = sink.result().errors;
    if (bad.length) throw new UserError("INPUT", `bad record from ${this.src.label}: ${bad[0]}`);
    // The cursor moves to the newest time in the CSV; only changed lines can be newer than it.
    const newest = changed.reduce((m, l) => (l.ms > m.ms ? l : m), { modified: highWater, ms: since }).modified;
    this.w.setEcosystem(eco, { updatedAt: new Date().toISOString(), source: this.src.label, highWater: newest, highWaterSource: this.src.label });
    return { ecosystem: eco, mode: "incremental", records: changed.length };
  }

  private async full(eco: string): Promise<UpdateResult> {
    const tmp = tempPathFor(this.dbPath, ".zip");
    try {
      const onBytes = (n: number): void => this.opts.onProgress?.({ ecosystem: eco, phase: "download", done: n });
      const zipPath = await this.src.zip(eco, "all.zip", tmp, onBytes);
      const sink = new RecordSink(this.w, (n) => this.opts.onProgress?.({ ecosystem: eco, phase: "import", done: n }));
      await addZip(sink, zipPath);
      const res = sink.result();
      // A few bad entries in a big export should not block updates; a broken export should.
      if (res.errors.length && res.imported + res.skipped === 0) throw new UserError("INPUT", `no valid records in ${this.src.where(eco, "all.zip")}: ${res.errors[0]}`);
      // Records of this ecosystem that the export no longer has were deleted upstream. Only
      // for whole-ecosystem exports: a "Debian:12" export says nothing about "Debian:11".
      if (!eco.includes(":")) this.w.prune(ecosystemBase(eco), sink.seen);
      this.w.setEcosystem(eco, {
        updatedAt: new Date().toISOString(),
        source: this.src.label,
        highWater: sink.maxModified,
        highWaterSource: this.src.label,
      });
      return { ecosystem: eco, mode: "full", records: res.imported + res.skipped };
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}

/**
 * Updates the given ecosystems in one atomic step (one copy of the database, one rename): all of
 * them land, or none, unless `onSkipped` lets ecosystems that failed before writing drop out.
 * When all of them drop out the database is not written at all (nor created). Waits for another
 * process writing the same database to finish first (it starts from what that one wrote).
 */
export async function updateDb(dbPath: string, opts: UpdateOptions): Promise<UpdateResult[]> {
  if (opts.ecosystems.length === 0) throw new UserError("USAGE", "no ecosystems to update");
  opts.ecosystems.forEach(checkEcosystemName);
  const src = sourceFor(opts.repository ?? DEFAULT_REPOSITORY, opts);
  return withDbWriter(dbPath, async (w) => {
    const up = new EcosystemUpdater(w, src, dbPath, opts);
    const out: UpdateResult[] = [];
    for (const eco of opts.ecosystems) {
      const writes = w.changes();
      try {
        out.push(await up.run(eco));
      } catch (e) {
        if (!opts.onSkipped || !(e instanceof UserError) || w.changes() !== writes) throw e;
        opts.onSkipped(eco, e);
      }
    }
    // Every ecosystem dropped out: nothing landed, so the database (or its absence) stays as it
    // was rather than being restamped as freshly built.
    if (out.length === 0) w.discard();
    return out;
  }, opts);
}

export interface DbStatus {
  path: string;
  exists: boolean;
  schemaVersion?: number;
  builtAt?: string;
  ageHours?: number;
  /** Missing, or built more than 24 hours ago. */
  stale: boolean;
  records: number;
  ecosystems: EcosystemSummary[];
}

const STALE_HOURS = 24;

export function dbStatus(dbPath: string): DbStatus {
  if (!existsSync(dbPath)) {
    // A first import that was killed leaves its working copy and no database.
    removeStaleWorkingFilesIfIdle(dbPath);
    return { path: dbPath, exists: false, stale: true, records: 0, ecosystems: [] };
  }
  const db = AdvisoryDB.open(dbPath);
  try {
    const builtAt = db.builtAt();
    const ageHours = builtAt ? (Date.now() - Date.parse(builtAt)) / 3600_000 : undefined;
    return {
      path: dbPath,
      exists: true,
      schemaVersion: db.schemaVersion(),
      builtAt,
      ageHours,
      stale: ageHours === undefined || ageHours > STALE_HOURS,
      records: db.recordCount(),
      ecosystems: db.ecosystems(),
    };
  } finally {
    db.close();
  }
}
