// Python package versions: PEP 440 ordering, as the `packaging` library defines it.
//
//   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
//
// with the spellings PEP 440 normalises (alpha/beta/c/pre/preview, rev/r, "-N" as an
// implicit post release, optional separators, any case, a leading "v").
//
// Strings that are not PEP 440 ("legacy" versions such as "0.9-doduo" or "trunk")
// still appear in old advisories. packaging < 22 ordered them with setuptools' old
// scheme, below every valid version; we keep that order so such data still sorts,
// but valid() rejects them (modern pip does too).
import { compareDigits, compareNumberLists, compareStrings, isAllDigits } from "../common.js";
import type { Cmp, VersionComparator } from "../types.js";

const PEP440 =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

interface Pep440 {
  epoch: string;
  /** Release numbers with trailing zeros removed: 1.0 and 1.0.0 are the same version. */
  release: string[];
  pre?: { rank: number; num: string };
  post?: string;
  dev?: string;
  local?: string[];
}

type Parsed = { legacy: false; v: Pep440 } | { legacy: true; key: string[] };

export function parsePep440(version: string): Pep440 | undefined {
  const m = PEP440.exec(version);
  if (!m) return undefined;
  const release = m[2]!.split(".");
  while (release.length > 1 && /^0+$/.test(release[release.length - 1]!)) release.pop();
  const v: Pep440 = { epoch: m[1] ?? "0", release };
  if (m[3] !== undefined) v.pre = { rank: PRE_RANK[m[3].toLowerCase()]!, num: m[4] ?? "0" };
  if (m[5] !== undefined) v.post = m[5];
  else if (m[6] !== undefined) v.post = m[7] ?? "0";
  if (m[8] !== undefined) v.dev = m[9] ?? "0";
  if (m[10] !== undefined) v.local = m[10].toLowerCase().split(/[-_.]/);
  return v;
}

// setuptools' pre-PEP 440 key (packaging's LegacyVersion): numbers zero-padded to
// compare as text, words prefixed with "*", a few words renamed so that
// pre-releases sort before "*final".
const LEGACY_RENAME = new Map([
  ["pre", "c"],
  ["preview", "c"],
  ["-", "final-"],
  ["rc", "c"],
  ["dev", "@"],
]);

function legacyParts(version: string): string[] {
  const out: string[] = [];
  for (const piece of version.split(/(\d+|[a-z]+|\.|-)/)) {
    const p = LEGACY_RENAME.get(piece) ?? piece;
    if (p === "" || p === ".") continue;
    out.push(/^\d/.test(p) ? p.padStart(8, "0") : "*" + p);
  }
  out.push("*final");
  return out;
}

export function legacyKey(version: string): string[] {
  const key: string[] = [];
  for (const part of legacyParts(version.toLowerCase())) {
    if (part.startsWith("*")) {
      // Drop the "-" before a pre-release word, and trailing zeros of each numeric run.
      if (part < "*final") while (key.at(-1) === "*final-") key.pop();
      while (key.at(-1) === "00000000") key.pop();
    }
    key.push(part);
  }
  return key;
}

function parse(version: string): Parsed {
  const v = parsePep440(version);
  return v ? { legacy: false, v } : { legacy: true, key: legacyKey(version) };
}

// Absent parts sort as packaging's sentinels: no pre-release = after all pre-releases
// (except a bare .devN, which sorts before them), no post = before all posts,
// no dev = after all devs, no local = before all locals.
function preKey(v: Pep440): number {
  if (v.pre) return 0;
  return v.post === undefined && v.dev !== undefined ? -1 : 1;
}

function compareLocal(a: string[], b: string[]): Cmp {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const xn = isAllDigits(x);
    const yn = isAllDigits(y);
    // Numeric segments sort after alphanumeric ones.
    const d = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : compareStrings(x, y);
    if (d !== 0) return d;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareOptional(a: string | undefined, b: string | undefined, absent: Cmp): Cmp {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? absent : (-absent as Cmp);
  return compareDigits(a, b);
}

function comparePep440(a: Pep440, b: Pep440): Cmp {
  let d = compareDigits(a.epoch, b.epoch) || compareNumberLists(a.release, b.release);
  if (d !== 0) return d;
  const pa = preKey(a);
  const pb = preKey(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.pre && b.pre) {
    if (a.pre.rank !== b.pre.rank) return a.pre.rank < b.pre.rank ? -1 : 1;
    d = compareDigits(a.pre.num, b.pre.num);
    if (d !== 0) return d;
  }
  d = compareOptional(a.post, b.post, -1) || compareOptional(a.dev, b.dev, 1);
  if (d !== 0) return d;
  if (a.local === undefined || b.local === undefined) return a.local === b.local ? 0 : a.local === undefined ? -1 : 1;
  return compareLocal(a.local, b.local);
}

function compareLegacy(a: string[], b: string[]): Cmp {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const d = compareStrings(a[k]!, b[k]!);
    if (d !== 0) return d;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function comparePypi(a: string, b: string): Cmp {
  if (a === b) return 0;
  const x = parse(a);
  const y = parse(b);
  if (x.legacy || y.legacy) {
    if (!x.legacy || !y.legacy) return x.legacy ? -1 : 1; // legacy sorts before all valid versions
    return compareLegacy(x.key, y.key);
  }
  return comparePep440(x.v, y.v);
}

export function validPypi(v: string): boolean {
  return PEP440.test(v);
}

export const pypi: VersionComparator = { ecosystem: "PyPI", compare: comparePypi, valid: validPypi };
