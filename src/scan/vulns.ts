// The vulnerability step: make sure the advisory DB has what the target needs (updating only
// those ecosystems, only when stale), match, then apply suppressions and gates, and record in
// `report.unchecked` the packages no advisory was looked at for (an ecosystem the DB has no
// records of, or no advisory source at all). Matching is kept apart from inventory so stored
// inventories can be re-matched when advisories change.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import { applyFilters, applySuppressions, coverage, ecosystemsFor, loadIgnoreFile, loadVexFile, matchPackages, type CoverageGroup, type SuppressionRule } from "../match/index.js";
import type { Report, ReportError, Severity, UncheckedEcosystem } from "../model/index.js";
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
  const matchOpts = { matchOsOwned: !!opts.matchOsOwned };
  const groups = coverage(report.packages, report.artifact.os, matchOpts);
  const needed = ecosystemsFor(report.packages, report.artifact.os, matchOpts);
  // Ecosystems the database has no records of whose download failed: base → why.
  const failed = new Map<string, string>();
  if (!opts.offline && !opts.skipDbUpdate && needed.length > 0) await refresh(dbPath, needed, opts, warn, failed);
  if (!existsSync(dbPath)) {
    if (failed.size > 0) {
      const [first] = failed.values();
      throw new UserError(
        "NOT_FOUND",
        `no advisory database at ${dbPath}: downloading ${[...failed.keys()].join(", ")} advisories failed (${first}); check the network${opts.dbRepository ? " and --db-repository" : ""}, or import advisories with "bulwark db import PATH"`,
      );
    }
    throw new UserError("NOT_FOUND", `no advisory database at ${dbPath}: run "bulwark db update" (or "bulwark db import PATH" offline)`);
  }
  const db = AdvisoryDB.open(dbPath);
  try {
    const have = new Map(db.ecosystems().filter((e) => e.records > 0).map((e) => [e.ecosystem, e]));
    report.unchecked = unchecked(groups, have, failed, opts);
    const stale = needed.filter((e) => {
      const at = have.get(e)?.updatedAt;
      return at !== undefined && now.getTime() - Date.parse(at) > STALE_MS;
    });
    if (stale.length && (opts.offline || opts.skipDbUpdate)) warn(`advisories for ${stale.join(", ")} are more than 24 h old`);
    const found = matchPackages(report.packages, report.artifact.os, db, { now, ...matchOpts });
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

/**
 * The packages no advisory was looked at for: those of ecosystems the database has no records
 * of (saying why: the download failed, or was not attempted), and those with no advisory source.
 */
function unchecked(groups: CoverageGroup[], have: ReadonlyMap<string, unknown>, failed: ReadonlyMap<string, string>, opts: VulnScanOptions): UncheckedEcosystem[] {
  const out: UncheckedEcosystem[] = [];
  for (const g of groups) {
    if (g.kind === "none") {
      out.push({ ecosystem: g.ecosystem, packages: g.packages, reason: g.reason, cause: "no-advisory-source" });
      continue;
    }
    if (have.has(g.base)) continue;
    const missing = `no ${g.ecosystem} advisories in the database`;
    const why = failed.get(g.base);
    const reason =
      why !== undefined ? `${missing}: download failed: ${why}`
      : opts.offline ? `${missing}: not downloaded under --offline`
      : opts.skipDbUpdate ? `${missing}: not downloaded under --skip-db-update`
      : missing;
    out.push({ ecosystem: g.ecosystem, packages: g.packages, reason, cause: "advisories-missing" });
  }
  return out;
}

/** How the DB labels a repository: a URL without trailing slash, or an absolute directory. */
function repositoryLabel(repo: string): string {
  if (/^https?:\/\//i.test(repo)) return repo.replace(/\/+$/, "");
  if (/^file:/i.test(repo)) return resolve(fileURLToPath(repo));
  return resolve(repo);
}

/**
 * Updates the needed ecosystems that are missing, stale or from another repository. A failure
 * for an ecosystem the database has records of is a warning (the old records are used); one for
 * an ecosystem it has none of is put in `failed`, for the report's `unchecked` to say.
 */
async function refresh(dbPath: string, needed: string[], opts: VulnScanOptions, warn: (m: string) => void, failed: Map<string, string>): Promise<void> {
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
  const couldNot = (eco: string, e: UserError): void => {
    if ((known.get(eco)?.records ?? 0) > 0) warn(`could not update ${eco} advisories: ${e.message} (using the existing ones)`);
    else failed.set(eco, e.message);
  };
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
