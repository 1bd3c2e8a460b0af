// NuGet versions (NuGet.Versioning): up to four numbers (missing ones are 0, leading
// zeros allowed: 1.0.01 = 1.0.1.0), then a SemVer 2.0 style pre-release whose
// labels compare case-insensitively; build metadata after "+" is ignored.
import { compareDigits, isAllDigits } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

const LENIENT = /^\s*(\d+(?:\.\d+)*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/;
const STRICT = /^(\d+)(\.\d+){0,3}(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

interface NugetVersion {
  numbers: string[];
  labels: string[];
}

function parse(v: string): NugetVersion {
  const m = LENIENT.exec(v);
  if (!m) throw new InvalidVersionError("NuGet", v, "not a NuGet version");
  return { numbers: m[1]!.split("."), labels: m[2] ? m[2].split(".") : [] };
}

// StringComparer.OrdinalIgnoreCase folds to upper case.
function compareLabel(x: string, y: string): Cmp {
  const xn = isAllDigits(x);
  const yn = isAllDigits(y);
  if (xn && yn) return compareDigits(x, y);
  if (xn !== yn) return xn ? -1 : 1;
  const X = x.toUpperCase();
  const Y = y.toUpperCase();
  return X < Y ? -1 : X > Y ? 1 : 0;
}

export function compareNuget(a: string, b: string): Cmp {
  const x = parse(a);
  const y = parse(b);
  const n = Math.max(x.numbers.length, y.numbers.length);
  for (let k = 0; k < n; k++) {
    const d = compareDigits(x.numbers[k] ?? "0", y.numbers[k] ?? "0");
    if (d !== 0) return d;
  }
  // A release sorts after its pre-releases.
  if (x.labels.length === 0 || y.labels.length === 0) {
    return x.labels.length === y.labels.length ? 0 : x.labels.length === 0 ? 1 : -1;
  }
  const m = Math.max(x.labels.length, y.labels.length);
  for (let k = 0; k < m; k++) {
    const l = x.labels[k];
    const r = y.labels[k];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const d = compareLabel(l, r);
    if (d !== 0) return d;
  }
  return 0;
}

export const nuget: VersionComparator = { ecosystem: "NuGet", compare: compareNuget, valid: (v) => STRICT.test(v) };
