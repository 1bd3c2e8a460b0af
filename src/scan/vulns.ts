// The vulnerability step: make sure the advisory DB has what the target needs (updating only
// those ecosystems, only when stale), match, then apply suppressions and gates. Matching is kept
// apart from inventory so stored inventories can be re-matched when advisories change.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import { applyFilters, applySuppressions, ecosystemsFor, loadIgnoreFile, loadVexFile, matchPackages, type SuppressionRule } from "../match/index.js";
import type { Report, ReportError, Severity } from "../model/index.js";
import { ignoreFilePath } from "./ignore.js";
import { AdvisoryDB, dbStatus, DEFAULT_REPOSITORY, defaultDbPath, updateDb, type UpdateProgress } from "../vulndb/index.js";

export interface VulnScanOptions {
  /** Advisory DB path (default: $BULWARK_DB or the user cache dir). */
  db?: string;
  /** Where `db update` fetches from: an https base URL, a file:// URL or a local mirror directory. */
  dbRepository?: string;
  /** Never touch the network. */
  offline?: boolean;
  /** Use the DB as it is. */
  skipDbUpdate?: boolean;
  /** Only report these severities. */
  severities?: Severity[];
  ignoreUnfixed?: boolean;
  /** `.bulwarkignore` path; default: ./.bulwarkignore when it exists; false to disable. */
  ignoreFile?: string | false;
  /** OpenVEX or CycloneDX VEX documents. */
  vex?: string[];
  /** Also match language packages owned by an OS package. */
  matchOsOwned?: boolean;
  onDbProgress?: (p: UpdateProgress) => void;
  /** Called while another process holds the database's write lock (see `db update`). */
  onDbLockWait?: (waitedMs: number, lockPath: string) => void;
}

const STALE_MS = 24 * 3600_000;

export async function addVulnerabilities(report: Report, opts: VulnScanOptions, now: Date): Promise<void> {
  const dbPath = opts.db ?? defaultDbPath();
  const warn = (message: string, source = "vulndb"): void => {
    report.errors.push({ source, message });
  };
  const needed = ecosystemsFor(report.packages, report.artifact.os, { matchOsOwned: !!opts.matchOsOwned });
  if (!opts.offline && !opts.skipDbUpdate && needed.length > 0) await refresh(dbPath, needed, opts, warn);
  if (!existsSync(dbPath)) {
    throw new UserError("NOT_FOUND", `no advisory database at ${dbPath}: run "bulwark db update" (or "bulwark db import PATH" offline)`);
  }
  const db = AdvisoryDB.open(dbPath);
  try {
    const have = new Map(db.ecosystems().map((e) => [e.ecosystem, e]));
    const missing = needed.filter((e) => !have.has(e));
    if (missing.length) warn(`the advisory database has no ${missing.join(", ")} records: those packages were not checked`);
    const stale = needed.filter((e) => {
      const at = have.get(e)?.updatedAt;
      return at !== undefined && now.getTime() - Date.parse(at) > STALE_MS;
    });
    if (stale.length && (opts.offline || opts.skipDbUpdate)) warn(`advisories for ${stale.join(", ")} are more than 24 h old`);
    const found = matchPackages(report.packages, report.artifact.os, db, { now, matchOsOwned: !!opts.matchOsOwned });
    const rules: SuppressionRule[] = [];
    const ignorePath = ignoreFilePath(opts.ignoreFile);
    if (ignorePath) rules.push(...loadIgnoreFile(ignorePath));
    for (const f of opts.vex ?? []) rules.push(...loadVexFile(f));
    const { kept, suppressed, warnings } = applySuppressions(found, rules, now);
    for (const w of warnings) warn(w, "suppression");
    const filterOpts: { severities?: Severity[]; ignoreUnfixed?: boolean } = {};
    if (opts.severities) filterOpts.severities = opts.severities;
    if (opts.ignoreUnfixed) filterOpts.ignoreUnfixed = true;
    report.vulnerabilities = applyFilters(kept, filterOpts);
    report.suppressed = suppressed;
  } finally {
    db.close();
  }
}

/** How the DB labels a repository: a URL without trailing slash, or an absolute directory. */
function repositoryLabel(repo: string): string {
  if (/^https?:\/\//i.test(repo)) return repo.replace(/\/+$/, "");
  if (/^file:/i.test(repo)) return resolve(fileURLToPath(repo));
  return resolve(repo);
}

async function refresh(dbPath: string, needed: string[], opts: VulnScanOptions, warn: (m: string) => void): Promise<void> {
  const status = dbStatus(dbPath);
  const known = new Map(status.ecosystems.map((e) => [e.ecosystem, e]));
  const want = repositoryLabel(opts.dbRepository ?? DEFAULT_REPOSITORY);
  const due = needed.filter((e) => {
    const s = known.get(e);
    if (!s?.updatedAt || Date.now() - Date.parse(s.updatedAt) > STALE_MS) return true;
    // Records from another repository (say, the bundled demo mirror) do not satisfy this one.
    return s.source !== undefined && s.source.replace(/\/+$/, "") !== want;
  });
  if (due.length === 0) return;
  const couldNot = (eco: string, e: UserError): void => warn(`could not update ${eco} advisories: ${e.message}${known.has(eco) ? " (using the existing ones)" : ""}`);
  const update = (ecosystems: string[], skip?: (eco: string, e: UserError) => void): Promise<unknown> => {
    const upd: Parameters<typeof updateDb>[1] = { ecosystems };
    if (opts.dbRepository) upd.repository = opts.dbRepository;
    if (opts.onDbProgress) upd.onProgress = opts.onDbProgress;
    if (opts.onDbLockWait) upd.onLockWait = opts.onDbLockWait;
    if (skip) upd.onSkipped = skip;
    return updateDb(dbPath, upd);
  };
  // All due ecosystems in one step (one copy of the database); one that cannot be fetched (say,
  // a mirror without it) drops out and the others land.
  const skipped = new Set<string>();
  try {
    await update(due, (eco, e) => {
      skipped.add(eco);
      couldNot(eco, e);
    });
    return;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    if (due.length === 1) {
      couldNot(due[0]!, e);
      return;
    }
  }
  // One failed part-way through its writes, so none landed: one at a time, each atomic on its
  // own (those already reported as unavailable are not tried again).
  for (const eco of due.filter((e) => !skipped.has(e))) {
    try {
      await update([eco]);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      couldNot(eco, e);
    }
  }
}

export type { ReportError };
