// Haskell package versions (Data.Version / Cabal): dot-separated numbers compared
// as lists, so a longer version with an equal prefix is later (1.0 < 1.0.0).
import { compareNumberLists } from "../common.js";
import { InvalidVersionError, type Cmp, type VersionComparator } from "../types.js";

const VERSION = /^\d+(\.\d+)*$/;

function parts(v: string): string[] {
  if (!VERSION.test(v)) throw new InvalidVersionError("Hackage", v, "expected dot-separated numbers");
  return v.split(".");
}

export function compareHackage(a: string, b: string): Cmp {
  return compareNumberLists(parts(a), parts(b));
}

export const hackage: VersionComparator = { ecosystem: "Hackage", compare: compareHackage, valid: (v) => VERSION.test(v) };
