// RubyGems versions, ordered as Gem::Version#<=> orders them:
//   - "-" means ".pre." (1.0-rc1 = 1.0.pre.rc1);
//   - segments are runs of digits or letters: 1.0.a10 = [1, 0, "a", 10] = 1.0.a.10;
//   - any letter makes a pre-release, which sorts before the release (1.2.4.beta < 1.2.4);
//   - trailing zeros of the numeric part and of the pre-release part are ignored;
//   - a text segment sorts before a number; text against text is byte order.
import { compareDigits, compareStrings, isAllDigits } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

// Gem::Version::ANCHORED_VERSION_PATTERN (an empty or blank string means "0").
const PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;
const LENIENT = /^\s*[0-9][0-9A-Za-z.-]*\s*$/;

function dropTrailingZeros(segments: string[]): string[] {
  let n = segments.length;
  while (n > 0 && /^0+$/.test(segments[n - 1]!)) n--;
  return segments.slice(0, n);
}

/** Gem::Version#canonical_segments, with numbers kept as digit strings. */
export function canonicalSegments(version: string): string[] {
  // Ordering is lenient ("1beta" has no dot, which Gem::Version would refuse, but the
  // order is obvious); valid() keeps the strict pattern.
  if (!PATTERN.test(version) && !LENIENT.test(version)) {
    throw new InvalidVersionError("RubyGems", version, "malformed version number string");
  }
  const text = version.trim().replaceAll("-", ".pre.");
  const segments = text.match(/[0-9]+|[a-z]+/gi) ?? ["0"];
  const firstText = segments.findIndex((s) => !isAllDigits(s));
  const cut = firstText === -1 ? segments.length : firstText;
  return [...dropTrailingZeros(segments.slice(0, cut)), ...dropTrailingZeros(segments.slice(cut))];
}

export function compareRubygems(a: string, b: string): Cmp {
  if (a === b) return 0;
  const x = canonicalSegments(a);
  const y = canonicalSegments(b);
  const n = Math.max(x.length, y.length);
  for (let k = 0; k < n; k++) {
    const l = x[k] ?? "0";
    const r = y[k] ?? "0";
    const ln = isAllDigits(l);
    const rn = isAllDigits(r);
    if (ln && rn) {
      const d = compareDigits(l, r);
      if (d !== 0) return d;
    } else if (ln !== rn) {
      return ln ? 1 : -1;
    } else if (l !== r) {
      return compareStrings(l, r);
    }
  }
  return 0;
}

export const rubygems: VersionComparator = { ecosystem: "RubyGems", compare: compareRubygems, valid: (v) => PATTERN.test(v) };
