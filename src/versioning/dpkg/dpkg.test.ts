import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { compareVersions } from "../index.js";
import {
  apitesterRecords,
  dpkgStatusVersions,
  neighbourPairs,
  queriedVersions,
  recordVersions,
  samplePairs,
  usnRecord,
} from "../test-support/data.js";
import { compareDpkg, dpkgError, validDpkg } from "./index.js";

describe("dpkg ordering", () => {
  it.each([
    ["1.0", "1.0", 0],
    ["1:0.1", "2.0", 1], // epoch first
    ["0:1.0", "1.0", 0],
    ["1.0~rc1", "1.0", -1], // ~ before the end of the string
    ["1.0~~", "1.0~", -1],
    ["1.0~", "1.0", -1],
    ["1.0", "1.0+b1", -1],
    ["1.0a", "1.0+", -1], // letters before non-letters
    ["1.0a", "1.0.", -1],
    ["1.0-1", "1.0-1+deb12u1", -1],
    ["1.0-1~bpo12+1", "1.0-1", -1],
    ["2.30-2", "2.30-10", -1], // digit runs compare numerically
    ["1.0-0", "1.0", 0], // missing revision = "0"
    ["1.002", "1.2", 0], // leading zeros
    ["1:1.2.3-1", "1:1.2.3-1ubuntu0.1", -1],
    ["7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1],
  ] as const)("compare(%s, %s) = %i", (a, b, want) => {
    expect(compareDpkg(a, b)).toBe(want);
    expect(compareDpkg(b, a)).toBe(-want || 0);
  });

  it.each([
    ["", "version string is empty"],
    ["1.0 2", "version string has embedded spaces"],
    [":1.0", "epoch in version is empty"],
    ["a:1.0", "epoch in version is empty"],
    ["1a:1.0", "epoch in version is not number"],
    ["99999999999:1", "epoch in version is too big"],
    ["1:", "nothing after colon in version number"],
    ["1.0-", "revision number is empty"],
    ["1.2.3-not-a-debian:version!@#$", "epoch in version is not number"],
  ])("refuses %j like dpkg: %s", (v, why) => {
    expect(dpkgError(v)).toBe(why);
    expect(() => compareDpkg(v, "1.0")).toThrow(why);
    expect(validDpkg(v)).toBe(false);
  });

  it("compares versions dpkg only warns about, but does not call them valid", () => {
    expect(dpkgError("abc")).toBeUndefined();
    expect(validDpkg("abc")).toBe(false); // does not start with a digit
    expect(validDpkg("1.0_1")).toBe(false); // "_" is not allowed
    expect(compareDpkg("abc", "2")).toBe(1); // letters sort after the digit run's absence
    expect(validDpkg(" 1:1.0-1 ")).toBe(true); // surrounding blanks are trimmed, as dpkg does
    expect(validDpkg("1:1.0:2-1")).toBe(true); // colons are allowed in upstream when there is an epoch
  });

  // A bound against pathological slowness only (speed is measured by npm run bench).
  it("runs 1e6 comparisons without pathological slowness", () => {
    const pool = dpkgStatusVersions().slice(0, 200);
    const versions = pool.length >= 50 ? pool : ["1:2.38.1-5+deb12u3", "2.36.1-8+deb11u1", "1.0~rc1-1", "7.88.1-10+deb12u5", "3.0.11-1~deb12u2"];
    const n = versions.length;
    let sink = 0;
    const t = performance.now();
    for (let k = 0; k < 1_000_000; k++) sink += compareDpkg(versions[k % n]!, versions[(k * 7 + 3) % n]!);
    const ms = performance.now() - t;
    expect(Number.isFinite(sink)).toBe(true);
    expect(ms).toBeLessThan(20_000);
  });
});

// Real Debian/Ubuntu versions: this machine's installed packages, versions osv-scanner
// queried in osv.dev's API tests, and a real Ubuntu USN record.
function debianPool(): string[] {
  const pool = new Set<string>([
    ...dpkgStatusVersions(),
    ...queriedVersions("Debian"),
    ...queriedVersions("Ubuntu"),
    ...recordVersions([usnRecord(), ...apitesterRecords().values()], "Ubuntu"),
    ...recordVersions(apitesterRecords().values(), "Debian"),
  ]);
  // dpkg would read a leading "-" as an option
  return [...pool].filter((v) => !v.startsWith("-") && dpkgError(v) === undefined);
}

const OPS = { "-1": "lt", "0": "eq", "1": "gt" } as const;

describe.skipIf(missingTool("dpkg --compare-versions cross-check", ["dpkg", "xargs"], { dpkg: ["--version"] }) !== undefined)("cross-check with dpkg --compare-versions", () => {
  it("agrees on a few hundred pairs of real versions", () => {
    const pool = debianPool().sort((a, b) => compareDpkg(a, b));
    expect(pool.length).toBeGreaterThan(100);
    // Neighbours in our order (the close calls) plus random pairs; about 16 ms per dpkg run here.
    const step = Math.max(1, Math.floor(pool.length / 150));
    const pairs = [...neighbourPairs(pool).filter((_, k) => k % step === 0), ...samplePairs(pool, 100, 7)];
    expect(pairs.length).toBeGreaterThanOrEqual(200);

    // One dpkg run per pair, asking the question our answer implies; xargs batches
    // the runs without a shell, and exits 0 only if every answer was "true".
    const input = pairs.map(([a, b]) => `${a}\0${OPS[compareDpkg(a, b)]}\0${b}\0`).join("");
    let allTrue = true;
    try {
      execFileSync("xargs", ["-0", "-n", "3", "dpkg", "--compare-versions"], { input, stdio: ["pipe", "ignore", "ignore"] });
    } catch {
      allTrue = false;
    }
    if (!allTrue) {
      // Find the disagreements one by one for the failure message.
      const wrong = pairs.filter(([a, b]) => {
        try {
          execFileSync("dpkg", ["--compare-versions", a, OPS[compareDpkg(a, b)], b], { stdio: "ignore" });
          return false;
        } catch {
          return true;
        }
      });
      expect(wrong).toEqual([]);
    }
  });
});

describe.skipIf(missingTool("Dpkg::Version cross-check", "perl:Dpkg::Version") !== undefined)("cross-check with dpkg's Perl module (Dpkg::Version)", () => {
  it("agrees on thousands of pairs in one process", () => {
    const pool = debianPool().sort((a, b) => compareDpkg(a, b));
    const pairs = [...neighbourPairs(pool), ...samplePairs(pool, 5000, 11)];
    const script = 'use Dpkg::Version; while (<STDIN>) { chomp; my ($a, $b) = split /\\t/; print version_compare($a, $b) <=> 0, "\\n" }';
    const out = execFileSync("perl", ["-e", script], { input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(""), encoding: "utf8" });
    const theirs = out.trim().split("\n").map(Number);
    const wrong = pairs.flatMap(([a, b], k) => {
      const ours = compareDpkg(a, b);
      return ours === theirs[k] ? [] : [`${a} vs ${b}: ours ${ours}, Dpkg::Version ${theirs[k]}`];
    });
    expect(theirs.length).toBe(pairs.length);
    expect(wrong).toEqual([]);
  });
});

describe("Ubuntu and Debian share the comparator", () => {
  it("uses dpkg ordering for release-suffixed ecosystems", () => {
    expect(compareVersions("Ubuntu:22.04:LTS", "1.0~rc1", "1.0")).toBe(-1);
    expect(compareVersions("Ubuntu:Pro:16.04:LTS", "1.0.2g-1ubuntu4.20+esm9", "1.0.2g-1ubuntu4.20")).toBe(1);
    expect(compareVersions("Debian:12", "2:1.0", "1:9.9")).toBe(1);
  });
});
