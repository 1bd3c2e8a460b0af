// Maven versions, ordered as org.apache.maven.artifact.versioning.ComparableVersion
// of maven-artifact 3.8.6 orders them (the release osv.dev's test vectors were
// generated with; 3.8.7 and later also read a word after "." as if after "-",
// so 1.2.RC1 = 1.2-RC1 there but not here):
//   - lower-cased, split on "." and "-" and on every digit/letter transition;
//   - each "-" (and each transition) opens a nested list, so 1-1 is [1, [1]];
//   - qualifiers: alpha = a < beta = b < milestone = m < rc = cr < snapshot
//     < "" = ga = final = release < sp, unknown words after all of them (by text);
//     a/b/m are only aliases when a digit follows (1a1 = 1-alpha-1, but 1a = 1-a);
//   - trailing "null" items (0, "", empty list) are dropped, so 1 = 1.0 = 1-0 = 1.ga.
// Any string is a Maven version, so compare() never throws.
import { compareDigits, compareStrings, isDigit } from "../common.js";
import type { Cmp, VersionComparator } from "../types.js";

type Item = { int: string } | { str: string } | Item[];

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_RANK = String(QUALIFIERS.indexOf(""));
const ALIASES = new Map([
  ["ga", ""],
  ["final", ""],
  ["release", ""],
  ["cr", "rc"],
]);
const SHORT = new Map([
  ["a", "alpha"],
  ["b", "beta"],
  ["m", "milestone"],
]);

function intItem(digits: string): Item {
  return { int: digits.replace(/^0+(?=.)/, "") };
}

function strItem(text: string, followedByDigit: boolean): Item {
  let s = followedByDigit ? (SHORT.get(text) ?? text) : text;
  s = ALIASES.get(s) ?? s;
  return { str: s };
}

function isNull(item: Item): boolean {
  if (Array.isArray(item)) return item.length === 0;
  return "int" in item ? item.int === "0" : item.str === "";
}

function normalize(list: Item[]): void {
  for (let k = list.length - 1; k >= 0; k--) {
    const item = list[k]!;
    if (isNull(item)) list.splice(k, 1);
    else if (!Array.isArray(item)) break;
  }
}

export interface MavenOptions {
  /**
   * maven-artifact 3.8.7 and later read a word right after "." as if after "-"
   * (1.2.RC1 = 1.2-RC1). Off by default: advisory data was ordered by 3.8.6.
   */
  dotWordStartsSection?: boolean;
}

export function parseMaven(version: string, options: MavenOptions = {}): Item[] {
  const v = version.toLowerCase();
  const root: Item[] = [];
  const lists: Item[][] = [root];
  let list = root;
  let inDigits = false;
  let start = 0;
  const open = (): void => {
    const sub: Item[] = [];
    list.push(sub);
    list = sub;
    lists.push(sub);
  };
  const item = (digits: boolean, text: string): Item => (digits ? intItem(text) : strItem(text, false));

  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c === 46 || c === 45) {
      // "." or "-"; an empty part counts as 0
      list.push(k === start ? { int: "0" } : item(inDigits, v.slice(start, k)));
      start = k + 1;
      if (c === 45) open();
    } else if (isDigit(c)) {
      if (!inDigits && k > start) {
        if (options.dotWordStartsSection && list.length > 0) open();
        list.push(strItem(v.slice(start, k), true));
        start = k;
        open();
      }
      inDigits = true;
    } else {
      if (inDigits && k > start) {
        list.push(intItem(v.slice(start, k)));
        start = k;
        open();
      }
      inDigits = false;
    }
  }
  if (v.length > start) {
    if (options.dotWordStartsSection && !inDigits && list.length > 0) open();
    list.push(item(inDigits, v.slice(start)));
  }
  for (let k = lists.length - 1; k >= 0; k--) {
    const l = lists[k]!;
    normalize(l);
    // A "-" section left with nothing but the next section merges into it, so
    // 1-ga-1 = 1-1 as the Maven version-order specification says. (maven-artifact
    // 3.8 keeps the extra nesting here and orders 1-ga-1 below 1-1.)
    const only = l[0];
    if (k > 0 && l.length === 1 && Array.isArray(only)) l.splice(0, 1, ...only);
  }
  return root;
}

function qualifierRank(q: string): string {
  const k = QUALIFIERS.indexOf(q);
  return k === -1 ? `${QUALIFIERS.length}-${q}` : String(k);
}

/** Item order; `b` undefined means "nothing here" (the other version ran out). */
function compareItem(a: Item, b: Item | undefined): Cmp {
  if (Array.isArray(a)) {
    if (b === undefined) return a.length === 0 ? 0 : compareItem(a[0]!, undefined);
    if (!Array.isArray(b)) return "int" in b ? -1 : 1;
    const n = Math.max(a.length, b.length);
    for (let k = 0; k < n; k++) {
      const x = a[k];
      const y = b[k];
      const d = x === undefined ? (y === undefined ? 0 : (-compareItem(y, undefined) as Cmp)) : compareItem(x, y);
      if (d !== 0) return d;
    }
    return 0;
  }
  if ("int" in a) {
    if (b === undefined) return a.int === "0" ? 0 : 1;
    if (Array.isArray(b) || "str" in b) return 1;
    return compareDigits(a.int, b.int);
  }
  if (b === undefined) return compareStrings(qualifierRank(a.str), RELEASE_RANK);
  if (Array.isArray(b) || "int" in b) return -1;
  return compareStrings(qualifierRank(a.str), qualifierRank(b.str));
}

export function compareMaven(a: string, b: string, options?: MavenOptions): Cmp {
  if (a === b) return 0;
  return compareItem(parseMaven(a, options), parseMaven(b, options));
}

/** Maven accepts any string; we only refuse empty ones and whitespace. */
export function validMaven(v: string): boolean {
  return v.length > 0 && !/\s/.test(v);
}

export const maven: VersionComparator = { ecosystem: "Maven", compare: (a, b) => compareMaven(a, b), valid: validMaven };
