// Small helpers shared by the comparators.
import type { Cmp } from "./types.js";

/** Byte-wise (UTF-16 code unit) string order, as C's strcmp gives for ASCII. */
export function compareStrings(a: string, b: string): Cmp {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares two runs of ASCII digits as unbounded non-negative integers, so that
 * 30-digit components (real in Maven, NuGet and the test vectors) stay exact.
 */
export function compareDigits(a: string, b: string): Cmp {
  let i = 0;
  let j = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Is `c` the char code of an ASCII digit? */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAllDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Lists of digit runs, element by element; with an equal prefix the longer list is later. */
export function compareNumberLists(a: string[], b: string[]): Cmp {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const d = compareDigits(a[k]!, b[k]!);
    if (d !== 0) return d;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
