// Every comparison vector of osv-scalibr's semantic/testdata (checked by that
// project against the ecosystems' own tools), asserted in both directions.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareVersions, KNOWN_ECOSYSTEMS } from "./index.js";
import { readVectors, VECTORS } from "./test-support/data.js";

// File prefix (before "-versions") -> the OSV ecosystems whose ordering it pins.
const FILES: Record<string, string[]> = {
  semver: ["npm", "crates.io", "Go", "Hex", "SwiftURL"],
  debian: ["Debian", "Ubuntu"],
  alpine: ["Alpine", "Wolfi", "Chainguard"],
  redhat: ["Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Mageia", "Photon OS", "Azure Linux", "openEuler"],
  pypi: ["PyPI"],
  maven: ["Maven"],
  rubygems: ["RubyGems"],
  packagist: ["Packagist"],
  nuget: ["NuGet"],
  pub: ["Pub"],
  cran: ["CRAN"],
  hackage: ["Hackage"],
};

const EXPECT = { "<": -1, "=": 0, ">": 1 } as const;

const files = readdirSync(VECTORS)
  .filter((f) => f.endsWith(".txt"))
  .sort();

describe("osv-scalibr comparison vectors", () => {
  it("finds the vector files", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("maps every vector file to supported ecosystems", () => {
    const unmapped = files.filter((f) => !(f.replace(/-versions.*$/, "") in FILES));
    expect(unmapped, "vector files for ecosystems we do not support").toEqual([]);
    for (const ecosystems of Object.values(FILES)) for (const e of ecosystems) expect(KNOWN_ECOSYSTEMS).toContain(e);
  });

  for (const file of files) {
    const ecosystems = FILES[file.replace(/-versions.*$/, "")] ?? [];
    for (const ecosystem of ecosystems) {
      it(`${file} as ${ecosystem}`, () => {
        const vectors = readVectors(readFileSync(join(VECTORS, file), "utf8"));
        expect(vectors.length).toBeGreaterThan(0);
        const failures: string[] = [];
        for (const { line, a, op, b } of vectors) {
          const want = EXPECT[op];
          for (const [x, y, w] of [
            [a, b, want],
            [b, a, -want],
          ] as const) {
            let got: string;
            try {
              got = String(compareVersions(ecosystem, x, y));
            } catch (e) {
              got = `throws ${(e as Error).message}`;
            }
            if (got !== String(w + 0)) failures.push(`${file}:${line}: compare(${x}, ${y}) = ${got}, want ${w}`);
          }
        }
        expect(failures.slice(0, 30), `${failures.length} failing comparisons`).toEqual([]);
      });
    }
  }
});
