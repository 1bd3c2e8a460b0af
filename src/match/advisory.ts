// Facts read from one OSV record or affected entry, in the shapes the feeds really use.
import type { OsvAffected, OsvRecord, OsvSeverity } from "../model/index.js";

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 2000;

function trimTo(text: string, max: number): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/** The summary, else the first line of the details, at most 200 characters. */
export function titleOf(record: OsvRecord): string | undefined {
  const summary = record.summary?.trim();
  if (summary) return trimTo(summary, TITLE_MAX);
  const first = record.details?.trim().split("\n")[0]?.trim();
  return first ? trimTo(first, TITLE_MAX) : undefined;
}

export function descriptionOf(record: OsvRecord): string | undefined {
  const details = record.details?.trim();
  return details ? trimTo(details, DESCRIPTION_MAX) : undefined;
}

/** A real timestamp, or undefined: go-vulndb's bulk export writes `0001-01-01T00:00:00Z`. */
export function dateOf(value: string | undefined): string | undefined {
  return value && !value.startsWith("0001-") && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

export function isWithdrawn(record: OsvRecord, now: Date): boolean {
  if (!record.withdrawn) return false;
  const at = Date.parse(record.withdrawn);
  return Number.isNaN(at) || at <= now.getTime();
}

/**
 * Ubuntu notices (USN) cover several CVEs; for each release `database_specific.cves_map`
 * lists the CVEs that apply there, each with its own severities. Null when absent.
 */
export function cvesMap(entry: OsvAffected): { id: string; severity: OsvSeverity[] }[] | null {
  const map = entry.database_specific?.cves_map as { cves?: unknown } | undefined;
  if (!map || !Array.isArray(map.cves)) return null;
  const out: { id: string; severity: OsvSeverity[] }[] = [];
  for (const c of map.cves as unknown[]) {
    const item = c as { id?: unknown; severity?: unknown };
    if (typeof item.id !== "string") continue;
    const severity = Array.isArray(item.severity)
      ? (item.severity as OsvSeverity[]).filter((s) => typeof s?.type === "string" && typeof s?.score === "string")
      : [];
    out.push({ id: item.id, severity });
  }
  return out;
}

/** Debian's urgency for this release (`unimportant`, `low`, `end-of-life`, …), lower case, without `**`. */
export function urgencyOf(entry: OsvAffected): string | undefined {
  const value = entry.ecosystem_specific?.urgency ?? entry.database_specific?.urgency;
  return typeof value === "string" ? value.trim().toLowerCase().replace(/\*+$/, "") : undefined;
}

/**
 * The distribution has said it will not fix this in the release. Debian's tracker urgency
 * `unimportant` (not treated as a security issue: no DSA, no point-release fix planned) and
 * `end-of-life` (the package is out of security support) are the signals OSV carries. Ubuntu's
 * OSV export does not distinguish "ignored" or "deferred" from plain "vulnerable", so Ubuntu
 * findings without a fix stay `affected`.
 */
export function saysWillNotFix(entry: OsvAffected): boolean {
  const urgency = urgencyOf(entry);
  return urgency === "unimportant" || urgency === "end-of-life";
}

/**
 * Binary package names an entry lists explicitly: Ubuntu's `ecosystem_specific.binaries`
 * (`[{ binary_name, binary_version }]`), or a plain list of names under `binaries` or
 * `packages` in either specific block.
 */
export function binariesNamed(entry: OsvAffected): Set<string> {
  const names = new Set<string>();
  for (const block of [entry.ecosystem_specific, entry.database_specific]) {
    for (const key of ["binaries", "packages"]) {
      const list = block?.[key];
      if (!Array.isArray(list)) continue;
      for (const item of list as unknown[]) {
        if (typeof item === "string") names.add(item);
        else if (item && typeof item === "object") {
          const name = (item as { binary_name?: unknown; name?: unknown }).binary_name ?? (item as { name?: unknown }).name;
          if (typeof name === "string") names.add(name);
        }
      }
    }
  }
  return names;
}

export function referencesOf(record: OsvRecord): string[] {
  return (record.references ?? []).map((r) => r?.url).filter((u): u is string => typeof u === "string" && u.length > 0);
}
