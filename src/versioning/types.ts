// Shared types of the version comparators. Kept apart from index.ts so that the
// per-ecosystem folders can import them without a cycle through the registry.
import { BulwarkError } from "../errors.js";

export type Cmp = -1 | 0 | 1;

export interface VersionComparator {
  /** The OSV ecosystem (or family) name this comparator was registered under. */
  ecosystem: string;
  /** Total order of two versions; throws InvalidVersionError when one cannot be ordered at all. */
  compare(a: string, b: string): Cmp;
  /** Strict check: does the ecosystem's own tooling accept this version string? */
  valid?(v: string): boolean;
}

/** A version string a comparator cannot place in its order. */
export class InvalidVersionError extends BulwarkError {
  readonly version: string;
  constructor(family: string, version: string, reason: string) {
    super("INPUT", `invalid ${family} version ${JSON.stringify(version)}: ${reason}`);
    this.name = "InvalidVersionError";
    this.version = version;
  }
}
