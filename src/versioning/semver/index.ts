// SemVer 2.0 precedence (semver.org §11), for npm, crates.io, Hex and every OSV
// range of type SEMVER. Build metadata never affects precedence.
//
// Parsing is lenient the way advisory data needs it: a leading "v", missing
// minor/patch ("1.2" = "1.2.0"), numbers of any size, and a fourth dotted number
// ("1.2.3.4") that is kept as build metadata. valid() is the strict grammar.
import { compareDigits, compareStrings, isAllDigits } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers; empty for a release. */
  pre: string[];
  /** Dot-separated build identifiers (ignored for SemVer precedence; Pub orders them). */
  build: string[];
}

const LENIENT = /^[vV=]?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/s;
const STRICT =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Lenient parse; undefined when there is no leading number at all. */
export function parseSemver(v: string): SemVer | undefined {
  const m = LENIENT.exec(v.trim());
  if (!m) return undefined;
  let rest = m[4] ?? "";
  let build: string[] = [];
  const plus = rest.indexOf("+");
  if (plus !== -1) {
    build = rest.slice(plus + 1).split(".");
    rest = rest.slice(0, plus);
  }
  let pre: string[] = [];
  if (rest.startsWith("-")) {
    pre = rest.slice(1).split(".");
  } else if (rest.startsWith(".")) {
    // "1.2.3.4": more numbers than SemVer has; treat them as build metadata.
    build = [...rest.slice(1).split("."), ...build];
  } else if (rest !== "") {
    // "1.2.3beta" (npm's loose mode reads this as a pre-release).
    pre = rest.split(".");
  }
  return { major: m[1]!, minor: m[2] ?? "0", patch: m[3] ?? "0", pre, build };
}

/** Identifier lists as SemVer orders pre-releases: numbers < text, numbers numerically, text in ASCII order. */
export function compareIdentifiers(a: string[], b: string[]): Cmp {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const xn = isAllDigits(x);
    const yn = isAllDigits(y);
    let d: Cmp;
    if (xn && yn) d = compareDigits(x, y);
    else if (xn !== yn) d = xn ? -1 : 1;
    else d = compareStrings(x, y);
    if (d !== 0) return d;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareParsedSemver(a: SemVer, b: SemVer): Cmp {
  const d = compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (d !== 0) return d;
  // A pre-release sorts before its release.
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  return compareIdentifiers(a.pre, b.pre);
}

export function parseSemverOrThrow(family: string, v: string): SemVer {
  const p = parseSemver(v);
  if (!p) throw new InvalidVersionError(family, v, "not a semantic version");
  return p;
}

export function compareSemver(a: string, b: string): Cmp {
  return compareParsedSemver(parseSemverOrThrow("SemVer", a), parseSemverOrThrow("SemVer", b));
}

/** Strict SemVer 2.0, allowing the "v" prefix that tags and SEMVER ranges often carry. */
export function validSemver(v: string): boolean {
  return STRICT.test(v);
}

export const semver: VersionComparator = { ecosystem: "npm", compare: compareSemver, valid: validSemver };
