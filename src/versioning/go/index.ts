// Go module versions: SemVer with a mandatory "v" in go.mod, but written without
// it in OSV records, so both spellings are accepted. Pseudo-versions
// (v0.0.0-20191109021931-daa7c04131f5, v1.2.4-0.2019…) are ordinary pre-releases
// whose timestamp identifier orders them correctly; "+incompatible" is build
// metadata and so is ignored for ordering, exactly as golang.org/x/mod/semver does.
import { compareParsedSemver, parseSemverOrThrow, validSemver } from "../semver/index.js";
import type { Cmp, VersionComparator } from "../types.js";

export function compareGo(a: string, b: string): Cmp {
  return compareParsedSemver(parseSemverOrThrow("Go", a), parseSemverOrThrow("Go", b));
}

/** x/mod/semver.IsValid, with the "v" optional: also the shorthands v1 and v1.2. */
export function validGo(v: string): boolean {
  return validSemver(v) || /^v?(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/.test(v);
}

export const go: VersionComparator = { ecosystem: "Go", compare: compareGo, valid: validGo };
