// Debian package versions ([epoch:]upstream[-revision]), ordered as dpkg orders them
// (deb-version(7), "Sorting algorithm"). This runs once per advisory match, so it
// works on character codes and index ranges and allocates nothing per comparison.
import { isDigit } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

const TILDE = 126;

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

// Weight of one non-digit character: "~" sorts before everything, even the end
// of the string; letters sort before all other characters.
function order(c: number): number {
  if (c === TILDE) return -1;
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  return c + 256;
}

/** dpkg's verrevcmp over s[from, to) and t[tFrom, tTo); 0 stands for "past the end". */
function verrevcmp(s: string, i: number, end: number, t: string, j: number, tEnd: number): number {
  while (i < end || j < tEnd) {
    // Non-digit prefix, character by character.
    for (;;) {
      const a = i < end ? s.charCodeAt(i) : 0;
      const b = j < tEnd ? t.charCodeAt(j) : 0;
      const aText = a !== 0 && !isDigit(a);
      const bText = b !== 0 && !isDigit(b);
      if (!aText && !bText) break;
      const d = (a === 0 ? 0 : order(a)) - (b === 0 ? 0 : order(b));
      if (d !== 0) return d;
      i++;
      j++;
    }
    // Digit run, numerically: skip leading zeros, the longer run wins, else the first difference.
    while (i < end && s.charCodeAt(i) === 48) i++;
    while (j < tEnd && t.charCodeAt(j) === 48) j++;
    let firstDiff = 0;
    while (i < end && j < tEnd && isDigit(s.charCodeAt(i)) && isDigit(t.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = s.charCodeAt(i) - t.charCodeAt(j);
      i++;
      j++;
    }
    if (i < end && isDigit(s.charCodeAt(i))) return 1;
    if (j < tEnd && isDigit(t.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

// Parsed layout: [epoch, upstreamStart, upstreamEnd, revisionStart, revisionEnd, problem].
// Two scratch buffers, reused, because compare() is hot.
const A = new Float64Array(6);
const B = new Float64Array(6);

const ERRORS = [
  "",
  "version string is empty",
  "version string has embedded spaces",
  "epoch in version is empty",
  "epoch in version is not number",
  "epoch in version is too big",
  "nothing after colon in version number",
  "revision number is empty",
  "version number is empty",
] as const;
// Problems dpkg only warns about: it still compares such versions.
const WARN_NO_DIGIT = 100;
const WARN_BAD_CHAR = 101;

/** Fills `out`; returns 0 when clean, an ERRORS index when dpkg refuses it, or a WARN_* code. */
function parse(v: string, out: Float64Array): number {
  let start = 0;
  let end = v.length;
  while (start < end && isSpace(v.charCodeAt(start))) start++;
  while (end > start && isSpace(v.charCodeAt(end - 1))) end--;
  if (start === end) return 1;
  for (let k = start; k < end; k++) if (isSpace(v.charCodeAt(k))) return 2;

  let epoch = 0;
  let up = start;
  const colon = v.indexOf(":", start);
  if (colon !== -1 && colon < end) {
    if (colon === start) return 3;
    for (let k = start; k < colon; k++) {
      const c = v.charCodeAt(k);
      if (!isDigit(c)) return k === start ? 3 : 4;
      epoch = epoch * 10 + (c - 48);
    }
    if (epoch > 2147483647) return 5;
    up = colon + 1;
    if (up === end) return 6;
  }
  let upEnd = end;
  let revStart = end;
  const hyphen = v.lastIndexOf("-", end - 1);
  if (hyphen >= up) {
    if (hyphen === end - 1) return 7;
    upEnd = hyphen;
    revStart = hyphen + 1;
  }
  if (upEnd === up) return 8;
  out[0] = epoch;
  out[1] = up;
  out[2] = upEnd;
  out[3] = revStart;
  out[4] = end;

  if (!isDigit(v.charCodeAt(up))) return WARN_NO_DIGIT;
  for (let k = up; k < upEnd; k++) {
    const c = v.charCodeAt(k);
    if (!isDigit(c) && !isAlpha(c) && c !== 46 && c !== 45 && c !== 43 && c !== TILDE && c !== 58) return WARN_BAD_CHAR;
  }
  for (let k = revStart; k < end; k++) {
    const c = v.charCodeAt(k);
    if (!isDigit(c) && !isAlpha(c) && c !== 46 && c !== 43 && c !== TILDE) return WARN_BAD_CHAR;
  }
  return 0;
}

function parseOrThrow(v: string, out: Float64Array): void {
  const problem = parse(v, out);
  if (problem > 0 && problem < WARN_NO_DIGIT) throw new InvalidVersionError("Debian", v, ERRORS[problem] ?? "bad syntax");
}

export function compareDpkg(a: string, b: string): Cmp {
  if (a === b) {
    parseOrThrow(a, A);
    return 0;
  }
  parseOrThrow(a, A);
  parseOrThrow(b, B);
  const ea = A[0]!;
  const eb = B[0]!;
  if (ea !== eb) return ea < eb ? -1 : 1;
  let d = verrevcmp(a, A[1]!, A[2]!, b, B[1]!, B[2]!);
  if (d === 0) d = verrevcmp(a, A[3]!, A[4]!, b, B[3]!, B[4]!);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** True when dpkg accepts the version without error or warning. */
export function validDpkg(v: string): boolean {
  return parse(v, A) === 0;
}

/** Why dpkg rejects a version outright, or undefined when it can be compared. */
export function dpkgError(v: string): string | undefined {
  const problem = parse(v, A);
  return problem > 0 && problem < WARN_NO_DIGIT ? ERRORS[problem] : undefined;
}

export const dpkg: VersionComparator = { ecosystem: "Debian", compare: compareDpkg, valid: validDpkg };
