import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { apitesterRecords, neighbourPairs, queriedVersions, recordVersions, samplePairs, vectorVersions } from "../test-support/data.js";
import { comparePypi, legacyKey, validPypi } from "./index.js";

describe("PEP 440 ordering", () => {
  it("orders the PEP 440 example sequence", () => {
    const ordered = [
      "1.0.dev0",
      "1.0a1.dev0",
      "1.0a1",
      "1.0a2.dev456",
      "1.0a12",
      "1.0b1.dev456",
      "1.0b2",
      "1.0b2.post345.dev456",
      "1.0b2.post345",
      "1.0rc1.dev456",
      "1.0rc1",
      "1.0",
      "1.0+abc.5",
      "1.0+abc.7",
      "1.0+5",
      "1.0.post1.dev0",
      "1.0.post1",
      "1.1.dev1",
      "1!0.1",
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect([ordered[i], ordered[j], comparePypi(ordered[i]!, ordered[j]!)]).toEqual([ordered[i], ordered[j], Math.sign(i - j) || 0]);
      }
    }
  });

  it.each([
    ["1.0", "1.0.0.0"], // zero padding
    ["1.0alpha1", "1.0a1"],
    ["1.0-beta.2", "1.0b2"],
    ["1.0c1", "1.0rc1"],
    ["1.0pre1", "1.0rc1"],
    ["1.0preview1", "1.0rc1"],
    ["1.0-1", "1.0.post1"], // implicit post release
    ["1.0.rev1", "1.0.post1"],
    ["1.0r", "1.0.post0"],
    ["1.0.DEV", "1.0.dev0"],
    ["v1.0", "1.0"],
    ["1.0+ABC-1", "1.0+abc.1"],
    ["0!1.0", "1.0"],
  ])("%s equals %s", (a, b) => {
    expect(comparePypi(a, b)).toBe(0);
    expect(validPypi(a)).toBe(true);
  });

  it("sorts legacy (non-PEP 440) versions before every valid one, in setuptools' old order", () => {
    expect(validPypi("0.9-doduo")).toBe(false);
    expect(comparePypi("0.9-doduo", "0.0.1")).toBe(-1);
    expect(comparePypi("trunk", "0.0.1.dev0")).toBe(-1);
    expect(comparePypi("0.1-bulbasaur", "0.1-charmander")).toBe(-1);
    expect(legacyKey("1.0-bulbasaur")).toEqual(["00000001", "*bulbasaur", "*final"]);
  });
});

// PyPI versions from real advisories (osv.dev API snapshots: jinja2 records and the
// versions osv-scanner queried), plus every version of the PyPI vector files.
function pypiPool(): string[] {
  const records = apitesterRecords().values();
  return [...new Set([...recordVersions(records, "PyPI"), ...queriedVersions("PyPI")])].sort();
}

const PY = `
import sys
from packaging.version import Version, InvalidVersion
for line in sys.stdin:
    a, b = line.rstrip("\\n").split("\\t")
    try:
        x, y = Version(a), Version(b)
    except InvalidVersion:
        print("invalid")
        continue
    print((x > y) - (x < y))
`;

function packaging(pairs: [string, string][]): string[] {
  const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join("");
  return execFileSync("python3", ["-c", PY], { input, encoding: "utf8", maxBuffer: 64 << 20 }).trim().split("\n");
}

describe.skipIf(missingTool("Python packaging cross-check", "python3:packaging") !== undefined)("cross-check with Python's packaging", () => {
  it("agrees on every pair of PyPI versions from the advisory data", () => {
    const pool = pypiPool();
    expect(pool.length).toBeGreaterThan(25);
    const pairs: [string, string][] = pool.flatMap((a) => pool.map((b): [string, string] => [a, b]));
    const theirs = packaging(pairs);
    const wrong = pairs.flatMap(([a, b], k) => {
      const ours = validPypi(a) && validPypi(b) ? String(comparePypi(a, b)) : "invalid";
      return ours === theirs[k] ? [] : [`${a} vs ${b}: ours ${ours}, packaging ${theirs[k]}`];
    });
    expect(wrong.slice(0, 20), `${wrong.length} disagreements`).toEqual([]);
  });

  it("agrees on validity and order across all versions of the PyPI vector files", () => {
    const pool = [...new Set([...vectorVersions("pypi-versions.txt"), ...vectorVersions("pypi-versions-generated.txt")])];
    const sorted = pool.filter(validPypi).sort(comparePypi);
    const pairs: [string, string][] = [...pool.map((v): [string, string] => [v, v]), ...neighbourPairs(sorted), ...samplePairs(sorted, 5000, 3)];
    const theirs = packaging(pairs);
    const wrong = pairs.flatMap(([a, b], k) => {
      const ours = validPypi(a) && validPypi(b) ? String(comparePypi(a, b)) : "invalid";
      return ours === theirs[k] ? [] : [`${a} vs ${b}: ours ${ours}, packaging ${theirs[k]}`];
    });
    expect(wrong.slice(0, 20), `${wrong.length} disagreements`).toEqual([]);
  });
});
