// Composer / Packagist versions, ordered like PHP's version_compare() after
// Composer's clean-up:
//   - a leading "v"/"V" is dropped (Composer does this; version_compare does not);
//   - "-", "_" and "+" become ".", and a "." is put between digits and non-digits,
//     so 1.0RC1 = 1.0.RC.1 and 1.25.0beta2.1 = 1.25.0-b.2.1;
//   - parts compare numerically, or by stability when either is a word:
//       (unknown word) < dev < alpha = a < beta = b < RC = rc < (number) < patch = pl = p
//     matched by prefix and case-sensitively, as PHP does ("pre" counts as "p";
//     "ALPHA" is an unknown word, which the vectors generated with PHP confirm);
//   - when one version runs out, an extra number makes the other later, and an
//     extra word is weighed against "a number" (1.0 < 1.0pl1, 1.0rc1 < 1.0).
// A literal "#" part stands for "any number", as in PHP's own special forms.
import { compareDigits, isDigit } from "../common.js";
import type { Cmp, VersionComparator } from "../types.js";

// PHP's special_forms table, in its lookup order (first prefix match wins).
const FORMS: [string, number][] = [
  ["dev", 0],
  ["alpha", 1],
  ["a", 1],
  ["beta", 2],
  ["b", 2],
  ["RC", 3],
  ["rc", 3],
  ["#", 4],
  ["pl", 5],
  ["p", 5],
];
const NUMBER = 4;

export function canonicalParts(version: string): string[] {
  const v = version.replace(/^[vV]/, "");
  let out = "";
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    const prev = out.charCodeAt(out.length - 1);
    if (c === 45 || c === 95 || c === 43 || c === 46) {
      if (out.length > 0 && prev !== 46) out += ".";
      continue;
    }
    // digit <-> non-digit transition
    if (out.length > 0 && prev !== 46 && isDigit(prev) !== isDigit(c)) out += ".";
    out += v[k];
  }
  return out === "" ? [] : out.replace(/\.$/, "").split(".");
}

function formRank(word: string): number {
  for (const [name, rank] of FORMS) if (word.startsWith(name)) return rank;
  return -1;
}

function rank(part: string): number {
  return isDigit(part.charCodeAt(0)) ? NUMBER : formRank(part);
}

function compareParts(a: string[], b: string[]): Cmp {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const d = isDigit(x.charCodeAt(0)) && isDigit(y.charCodeAt(0)) ? compareDigits(x, y) : Math.sign(rank(x) - rank(y));
    if (d !== 0) return d as Cmp;
  }
  if (a.length === b.length) return 0;
  if (a.length > b.length) {
    const rest = a.slice(n);
    return isDigit(rest[0]!.charCodeAt(0)) ? 1 : compareParts(rest, ["#"]);
  }
  const rest = b.slice(n);
  return isDigit(rest[0]!.charCodeAt(0)) ? -1 : compareParts(["#"], rest);
}

export function comparePackagist(a: string, b: string): Cmp {
  if (a === b) return 0;
  return compareParts(canonicalParts(a), canonicalParts(b));
}

/** Composer's accepted shapes: a number-led version (optionally "v"-prefixed) or a dev-branch. */
export function validPackagist(v: string): boolean {
  return /^([vV]?\d[0-9A-Za-z.+_-]*|dev-\S+|\S+-dev)$/.test(v);
}

export const packagist: VersionComparator = { ecosystem: "Packagist", compare: comparePackagist, valid: validPackagist };
