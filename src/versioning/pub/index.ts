// Dart's pub_semver: SemVer precedence, except that build metadata is ordered too
// (a build sorts after no build, identifiers compared like pre-release ones).
import { compareIdentifiers, compareParsedSemver, parseSemverOrThrow, validSemver } from "../semver/index.js";
import type { Cmp, VersionComparator } from "../types.js";

export function comparePub(a: string, b: string): Cmp {
  const x = parseSemverOrThrow("Pub", a);
  const y = parseSemverOrThrow("Pub", b);
  const d = compareParsedSemver(x, y);
  if (d !== 0) return d;
  if (x.build.length === 0 || y.build.length === 0) {
    return x.build.length === y.build.length ? 0 : x.build.length === 0 ? -1 : 1;
  }
  return compareIdentifiers(x.build, y.build);
}

export const pub: VersionComparator = { ecosystem: "Pub", compare: comparePub, valid: validSemver };
