// Alpine package versions, as apk-tools orders them (Alpine, Wolfi, Chainguard):
//
//   number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}
//
// apk-tools walks both strings token by token; comparing the parsed parts in the
// order they occur gives the same answers for well-formed versions and lets us
// define something sensible for the malformed ones that do exist in advisory data.
//
// Malformed input. apk itself stops at the first bad character. osv-scalibr's
// hand-written vectors (the generated ones come from apk itself) pin these rules
// for it, and we follow them:
//   - when BOTH versions break the grammar before the revision, plain string order;
//   - otherwise compare the parts that did parse, then a version with leftovers
//     sorts below the same version without (two leftovers tie);
//   - "-r" with no digits counts as revision 0, and no revision at all equals -r0
//     (apk would put 1 below 1-r0; real Alpine versions always carry -rN).
import { compareDigits, compareStrings, isDigit } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

// Suffix ranks: pre-releases below "no suffix", post-release markers above it.
const SUFFIXES = new Map(["alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"].map((name, rank) => [name, rank]));
const NO_SUFFIX = 4; // the rank of ""

interface Suffix {
  rank: number;
  /** Digits after the suffix name; "" when there are none (sorts below "0", as in apk). */
  num: string;
}

interface ApkVersion {
  raw: string;
  numbers: string[];
  letter: string;
  suffixes: Suffix[];
  hash: string;
  /** Digits of -r#, "0" when absent. */
  revision: string;
  /** "malformed": a bad character before the revision; "trailing": junk after it. */
  leftover: "" | "malformed" | "trailing";
}

const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102);

function digitsEnd(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

export function parseApk(raw: string): ApkVersion {
  const v: ApkVersion = { raw, numbers: [], letter: "", suffixes: [], hash: "", revision: "0", leftover: "" };
  const s = raw;
  let i = 0;
  if (isDigit(s.charCodeAt(0))) {
    let e = digitsEnd(s, 0);
    v.numbers.push(s.slice(0, e));
    i = e;
    while (s.charCodeAt(i) === 46 && isDigit(s.charCodeAt(i + 1))) {
      e = digitsEnd(s, i + 1);
      v.numbers.push(s.slice(i + 1, e));
      i = e;
    }
    if (isLower(s.charCodeAt(i))) v.letter = s[i++]!;
  }
  while (s.charCodeAt(i) === 95) {
    let e = i + 1;
    while (isLower(s.charCodeAt(e))) e++;
    const rank = e > i + 1 ? SUFFIXES.get(s.slice(i + 1, e)) : undefined;
    if (rank === undefined) break;
    const n = digitsEnd(s, e);
    v.suffixes.push({ rank, num: s.slice(e, n) });
    i = n;
  }
  if (s.charCodeAt(i) === 126 && isHex(s.charCodeAt(i + 1))) {
    let e = i + 1;
    while (isHex(s.charCodeAt(e))) e++;
    v.hash = s.slice(i + 1, e);
    i = e;
  }
  if (s.startsWith("-r", i)) {
    const e = digitsEnd(s, i + 2);
    v.revision = e === i + 2 ? "0" : s.slice(i + 2, e);
    i = e;
    if (i < s.length) v.leftover = "trailing";
  } else if (i < s.length) {
    v.leftover = "malformed";
  }
  return v;
}

function compareNumbers(a: string[], b: string[]): Cmp {
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    // One more dotted number makes a later version (1.2 < 1.2.0), as in apk.
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    // After the first number, a leading zero means string order (1.02 < 1.1), as in Gentoo and apk.
    const d = k > 0 && (x.charCodeAt(0) === 48 || y.charCodeAt(0) === 48) ? compareStrings(x, y) : compareDigits(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

function compareSuffixNumber(x: string, y: string): Cmp {
  if (x === "" || y === "") return x === y ? 0 : x === "" ? -1 : 1;
  return compareDigits(x, y);
}

function compareSuffixes(a: Suffix[], b: Suffix[]): Cmp {
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    const rx = x ? x.rank : NO_SUFFIX;
    const ry = y ? y.rank : NO_SUFFIX;
    if (rx !== ry) return rx < ry ? -1 : 1;
    if (x && y) {
      const d = compareSuffixNumber(x.num, y.num);
      if (d !== 0) return d;
    }
  }
  return 0;
}

function compareParsed(a: ApkVersion, b: ApkVersion): Cmp {
  if (a.leftover === "malformed" && b.leftover === "malformed") return compareStrings(a.raw, b.raw);
  let d = compareNumbers(a.numbers, b.numbers);
  if (d !== 0) return d;
  if (a.letter !== b.letter) return a.letter === "" ? -1 : b.letter === "" ? 1 : compareStrings(a.letter, b.letter);
  d = compareSuffixes(a.suffixes, b.suffixes);
  if (d !== 0) return d;
  if (a.hash !== b.hash) return a.hash === "" ? -1 : b.hash === "" ? 1 : compareStrings(a.hash, b.hash);
  d = compareDigits(a.revision, b.revision);
  if (d !== 0) return d;
  if ((a.leftover === "") !== (b.leftover === "")) return a.leftover === "" ? 1 : -1;
  return 0;
}

export function compareApk(a: string, b: string): Cmp {
  if (a === b) return 0;
  if (a === "" || b === "") throw new InvalidVersionError("Alpine", a === "" ? a : b, "empty version");
  return compareParsed(parseApk(a), parseApk(b));
}

/** What apk-tools itself accepts (apk_version_validate). */
export function validApk(v: string): boolean {
  if (v === "") return false;
  const p = parseApk(v);
  return p.numbers.length > 0 && p.leftover === "" && !/-r$/.test(v);
}

export const apk: VersionComparator = { ecosystem: "Alpine", compare: compareApk, valid: validApk };
