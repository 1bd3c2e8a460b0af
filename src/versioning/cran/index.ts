// R package versions (package_version / numeric_version): numbers separated by
// "." or "-", compared as lists, so 0.1.0 < 0.1.0.0 and 0.01.0 = 0.1-0.
import { compareNumberLists } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

const LENIENT = /^\d+([.-]\d+)*$/;
// R's own check for package versions wants at least two numbers.
const STRICT = /^\d+([.-]\d+)+$/;

function parts(v: string): string[] {
  if (!LENIENT.test(v)) throw new InvalidVersionError("CRAN", v, "expected numbers separated by '.' or '-'");
  return v.split(/[.-]/);
}

export function compareCran(a: string, b: string): Cmp {
  return compareNumberLists(parts(a), parts(b));
}

export const cran: VersionComparator = { ecosystem: "CRAN", compare: compareCran, valid: (v) => STRICT.test(v) };
