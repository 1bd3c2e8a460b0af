// The CycloneDX library, loaded on first use: importing it takes about 90 ms, and most runs
// (`config`, `scan` to JSON or a table) never write CycloneDX or touch SPDX license ids.
import { createRequire } from "node:module";
import type * as CycloneDX from "@cyclonedx/cyclonedx-library";

let lib: typeof CycloneDX | undefined;

export function cdx(): typeof CycloneDX {
  lib ??= createRequire(import.meta.url)("@cyclonedx/cyclonedx-library") as typeof CycloneDX;
  return lib;
}
