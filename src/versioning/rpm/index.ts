// RPM versions ([epoch:]version[-release]), ordered as rpm orders them: the epoch
// first, then rpmvercmp() on the version, then on the release. Used for Red Hat and
// every RPM-based distribution (Rocky, Alma, SUSE, openSUSE, Mageia, Photon OS,
// Azure Linux, openEuler).
import { compareDigits, compareStrings, isDigit } from "../common.js";
import type { Cmp, VersionComparator } from "../types.js";

const TILDE = 126;
const CARET = 94;

const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// Only ASCII letters and digits make segments: anything else (including non-ASCII)
// is a separator, and separators only delimit, they never compare.
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);

/**
 * rpmvercmp: alternate runs of digits and letters, compared pairwise; "~" sorts
 * before anything (even the end), "^" sorts after the end but before anything else.
 */
export function rpmvercmp(a: string, b: string): Cmp {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) i++;
    while (j < b.length && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) j++;
    const ca = i < a.length ? a.charCodeAt(i) : 0;
    const cb = j < b.length ? b.charCodeAt(j) : 0;

    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;

    // One segment: digits if `a` starts with a digit, else letters; `b` is cut the same way.
    const numeric = isDigit(ca);
    const same = numeric ? isDigit : isAlpha;
    let ie = i;
    let je = j;
    while (ie < a.length && same(a.charCodeAt(ie))) ie++;
    while (je < b.length && same(b.charCodeAt(je))) je++;
    // b has the other kind of segment here: a number is newer than letters.
    if (je === j) return numeric ? 1 : -1;
    const d = numeric ? compareDigits(a.slice(i, ie), b.slice(j, je)) : compareStrings(a.slice(i, ie), b.slice(j, je));
    if (d !== 0) return d;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

interface Evr {
  epoch: string;
  version: string;
  release: string | undefined;
}

/**
 * rpm's own split: an epoch only when the string starts with digits and a colon
 * (so "a:1" or "1.m+e2:1" are plain versions), the release after the LAST hyphen.
 */
export function parseEvr(evr: string): Evr {
  let k = 0;
  while (k < evr.length && isDigit(evr.charCodeAt(k))) k++;
  let epoch = "0";
  let rest = evr;
  if (evr.charCodeAt(k) === 58) {
    epoch = k === 0 ? "0" : evr.slice(0, k);
    rest = evr.slice(k + 1);
  }
  const hyphen = rest.lastIndexOf("-");
  if (hyphen === -1) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

export function compareRpm(a: string, b: string): Cmp {
  if (a === b) return 0;
  const x = parseEvr(a);
  const y = parseEvr(b);
  let d = compareDigits(x.epoch, y.epoch);
  if (d === 0) d = rpmvercmp(x.version, y.version);
  if (d !== 0) return d;
  // A missing release sorts below any release, even an empty one (rpm.vercmp does the same).
  if (x.release === undefined || y.release === undefined) {
    return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  }
  return rpmvercmp(x.release, y.release);
}

/** rpm accepts almost anything; we only refuse empty strings and whitespace. */
export function validRpm(v: string): boolean {
  return v.length > 0 && !/\s/.test(v);
}

export const rpm: VersionComparator = { ecosystem: "Red Hat", compare: compareRpm, valid: validRpm };
