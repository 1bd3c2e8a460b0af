// Evaluation of one OSV `affected[]` entry against an installed version, following
// the "Evaluation" pseudocode of the OSV schema (IncludedInVersions,
// IncludedInRanges, BeforeLimits). Comparators are passed in, so this module knows
// nothing about ecosystems.
import type { OsvAffected, OsvRange } from "../model/osv.js";
import { compareStrings } from "./common.js";
import type { Cmp, VersionComparator } from "./types.js";

export interface AffectedResult {
  affected: boolean;
  /** For the ranges that affect the version: the lowest `fixed` above it, deduplicated, ascending. */
  fixed: string[];
  /** The lowest `last_affected` at or above the version, when an affecting range has one. */
  lastAffected?: string;
}

type Kind = "introduced" | "fixed" | "last_affected" | "limit";

interface Event {
  kind: Kind;
  version: string;
  /** compare(installed, version); for the special values: -1 for "*" limits, 1 for introduced "0". */
  rel: Cmp;
  /** "0" introduced (before everything) or a limit containing "*" (infinity). */
  special: boolean;
}

const KINDS: Kind[] = ["introduced", "fixed", "last_affected", "limit"];
// At equal versions "introduced" goes first, so [X, X) is empty and [X, X] is {X}.
const TIE_ORDER: Record<Kind, number> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };

function tryCompare(c: VersionComparator, a: string, b: string): Cmp | undefined {
  try {
    return c.compare(a, b);
  } catch {
    return undefined;
  }
}

/** The events of a range with their relation to the installed version; undefined when one cannot be ordered. */
function relate(version: string, range: OsvRange, c: VersionComparator): Event[] | undefined {
  const events: Event[] = [];
  for (const e of Array.isArray(range.events) ? range.events : []) {
    // The schema allows one key per event; tolerate objects carrying several.
    for (const kind of KINDS) {
      const v = e[kind];
      if (typeof v !== "string") continue;
      if (kind === "introduced" && v === "0") {
        events.push({ kind, version: v, rel: 1, special: true });
      } else if (kind === "limit" && v.includes("*")) {
        events.push({ kind, version: v, rel: -1, special: true });
      } else {
        const rel = tryCompare(c, version, v);
        if (rel === undefined) return undefined;
        events.push({ kind, version: v, rel, special: false });
      }
    }
  }
  return events;
}

function sortEvents(events: Event[], c: VersionComparator): Event[] {
  return [...events].sort((x, y) => {
    if (x.special || y.special) {
      const rank = (e: Event): number => (!e.special ? 0 : e.kind === "introduced" ? -1 : 1);
      if (rank(x) !== rank(y)) return rank(x) - rank(y);
    } else {
      // Every event was ordered against the installed version already, so this cannot throw in practice.
      const d = tryCompare(c, x.version, y.version) ?? 0;
      if (d !== 0) return d;
    }
    return TIE_ORDER[x.kind] - TIE_ORDER[y.kind];
  });
}

interface RangeHit {
  fixed?: string;
  lastAffected?: string;
}

/** IncludedInRanges for one range; undefined when the range does not affect the version. */
function evaluateRange(version: string, range: OsvRange, c: VersionComparator): RangeHit | undefined {
  // A range whose events we cannot order is skipped: guessing would either
  // invent or hide a vulnerability, and a malformed record is a data error.
  const events = relate(version, range, c);
  if (!events) return undefined;

  // BeforeLimits: with limit events present, the version must be below one of them.
  const limits = events.filter((e) => e.kind === "limit");
  if (limits.length > 0 && !limits.some((e) => e.rel < 0)) return undefined;

  let vulnerable = false;
  for (const e of sortEvents(events, c)) {
    if (e.kind === "introduced" && e.rel >= 0) vulnerable = true;
    else if (e.kind === "fixed" && e.rel >= 0) vulnerable = false;
    else if (e.kind === "last_affected" && e.rel > 0) vulnerable = false;
  }
  if (!vulnerable) return undefined;

  const lowest = (kind: Kind, above: (rel: Cmp) => boolean): string | undefined => {
    let best: string | undefined;
    for (const e of events) {
      if (e.kind !== kind || e.special || !above(e.rel)) continue;
      if (best === undefined || tryCompare(c, e.version, best) === -1) best = e.version;
    }
    return best;
  };
  return { fixed: lowest("fixed", (rel) => rel < 0), lastAffected: lowest("last_affected", (rel) => rel <= 0) };
}

export interface Comparators {
  /** For ECOSYSTEM ranges and `versions` equality; undefined when the ecosystem is unknown. */
  ecosystem: VersionComparator | undefined;
  /** For SEMVER ranges. */
  semver: VersionComparator;
  /** Called when an ECOSYSTEM range needs a comparator that does not exist. */
  missing: () => never;
}

/**
 * Unparsable installed versions never throw. A version the ecosystem's comparator
 * cannot order, or that its own tooling would refuse (valid() is false, e.g. a
 * pre-PEP 440 Python version, or Go's "(devel)"), is NOT affected by ECOSYSTEM
 * ranges: there is no defined place for it in the order. Likewise a version the
 * (lenient) SemVer parse cannot read is not affected by SEMVER ranges. Either way
 * the version is still affected when it is literally listed in `versions`.
 */
export function evaluateWith(version: string, affected: OsvAffected, cmps: Comparators): AffectedResult {
  const fixed: string[] = [];
  let lastAffected: string | undefined;
  let hit = false;
  const eco = cmps.ecosystem;
  const ecoUsable = eco !== undefined && eco.valid?.(version) !== false && tryCompare(eco, version, version) !== undefined;
  const semverUsable = tryCompare(cmps.semver, version, version) !== undefined;

  for (const range of Array.isArray(affected.ranges) ? affected.ranges : []) {
    let c: VersionComparator;
    if (range.type === "SEMVER") {
      if (!semverUsable) continue;
      c = cmps.semver;
    } else if (range.type === "ECOSYSTEM") {
      if (eco === undefined) cmps.missing();
      if (!ecoUsable) continue;
      c = eco;
    } else continue; // GIT ranges need the repository's commit graph; not evaluated here.

    const r = evaluateRange(version, range, c);
    if (!r) continue;
    hit = true;
    if (r.fixed !== undefined && !fixed.includes(r.fixed)) fixed.push(r.fixed);
    if (r.lastAffected !== undefined && (lastAffected === undefined || tryCompare(c, r.lastAffected, lastAffected) === -1)) {
      lastAffected = r.lastAffected;
    }
  }

  const listed = Array.isArray(affected.versions) ? affected.versions : [];
  if (!hit) hit = listed.some((v) => v === version || (ecoUsable && tryCompare(eco!, version, v) === 0));

  const order = eco && ecoUsable ? eco : cmps.semver;
  fixed.sort((a, b) => tryCompare(order, a, b) ?? compareStrings(a, b));
  const result: AffectedResult = { affected: hit, fixed };
  if (lastAffected !== undefined) result.lastAffected = lastAffected;
  return result;
}
