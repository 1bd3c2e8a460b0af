import type { OsvRecord } from "../model/index.js";

/**
 * Where advisories come from: the vulnerability database, or an in-memory list in tests.
 * `ecosystemBase` is the OSV ecosystem before its first `:` (`Debian`, `Ubuntu`, `PyPI`), so one
 * query returns the records of every release; the matcher picks the right `affected[]` entries.
 */
export interface AdvisorySource {
  query(ecosystemBase: string, name: string): OsvRecord[];
}

export interface MatchOptions {
  /** Reference time for withdrawn records (default: now). */
  now?: Date;
  /** Also match language packages that an OS package installed (`metadata.ownedBy`). */
  matchOsOwned?: boolean;
  /** Ubuntu: also match `Ubuntu:Pro:<release>` (ESM) advisories, for hosts with Ubuntu Pro. */
  ubuntuPro?: boolean;
}
