import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { compareVersions } from "../index.js";
import { dpkgStatusVersions, neighbourPairs, samplePairs, vectorVersions } from "../test-support/data.js";
import { compareRpm, parseEvr, rpmvercmp } from "./index.js";

describe("rpm ordering", () => {
  it.each([
    ["1.0", "1.0", 0],
    ["1.0", "1.0.1", -1],
    ["1.0a", "1.0", 1],
    ["1.0~rc1", "1.0", -1], // ~ sorts before the end
    ["1.0~rc1", "1.0~rc2", -1],
    ["1.0^git1", "1.0", 1], // ^ sorts after the end...
    ["1.0^git1", "1.0.1", -1], // ...but before anything else
    ["1.0^git1~pre", "1.0^git1", -1],
    ["2_0", "2.0", 0], // separators only delimit
    ["10.0001", "10.1", 0],
    ["5.5p1", "5.5p10", -1],
    ["1.1.α", "1.1.β", 0], // non-ASCII is a separator
    ["a", "1", -1], // letters before digits at the same position
  ] as const)("rpmvercmp(%s, %s) = %i", (a, b, want) => {
    expect(rpmvercmp(a, b)).toBe(want);
    expect(rpmvercmp(b, a)).toBe(-want || 0);
  });

  it("splits epoch:version-release the way rpm does", () => {
    expect(parseEvr("1:2.3-4.el9")).toEqual({ epoch: "1", version: "2.3", release: "4.el9" });
    expect(parseEvr("2.3-4-5")).toEqual({ epoch: "0", version: "2.3-4", release: "5" }); // last hyphen
    expect(parseEvr("a:1")).toEqual({ epoch: "0", version: "a:1", release: undefined }); // not an epoch
  });

  it("compares epoch, then version, then release", () => {
    expect(compareRpm("1:1.0-1", "2.0-1")).toBe(1);
    expect(compareRpm("0:3.10.0-229.el7", "3.10.0-229.1.2.el7")).toBe(-1);
    expect(compareRpm("1.0", "1.0-1")).toBe(-1); // missing release sorts first, as rpm.vercmp does
    expect(compareVersions("Red Hat:enterprise_linux:9::appstream", "0:1.2.3-4.el9", "1.2.3-4.el9_2")).toBe(-1);
    expect(compareVersions("SUSE:Linux Enterprise Server 15 SP5", "2.31-150300.63.1", "2.31-150300.9.1")).toBe(1);
  });
});

// rpm's Lua rpm.vercmp() parses epoch:version-release and compares, like
// `rpmdev-vercmp`; one rpm process answers every pair from a file.
function rpmVercmp(pairs: [string, string][]): number[] {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-rpm-"));
  try {
    const file = join(dir, "pairs.tsv");
    writeFileSync(file, pairs.map(([a, b]) => `${a}\t${b}\n`).join(""));
    const lua = `for line in io.lines('${file}') do local a, b = line:match('^(.-)\\t(.*)$'); print(rpm.vercmp(a, b) .. '\\n') end`;
    const out = execFileSync("rpm", ["--eval", `%{lua: ${lua}}`], { encoding: "utf8", maxBuffer: 64 << 20 });
    return out.trim().split("\n").map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(missingTool("rpm vercmp cross-check", ["rpm", "rpm:lua"]) !== undefined)("cross-check with rpm's own comparison", () => {
  it("agrees on every pair of the Red Hat vector versions and on real Debian-style strings", () => {
    const redhat = vectorVersions("redhat-versions.txt").filter((v) => !v.includes("\t"));
    const debian = dpkgStatusVersions().sort(compareRpm);
    const pairs: [string, string][] = [
      ...redhat.flatMap((a) => redhat.map((b): [string, string] => [a, b])),
      ...neighbourPairs(debian),
      ...samplePairs(debian, 3000, 5),
    ];
    const theirs = rpmVercmp(pairs);
    expect(theirs.length).toBe(pairs.length);
    const wrong = pairs.flatMap(([a, b], k) => {
      const ours = compareRpm(a, b);
      return ours === theirs[k] ? [] : [`${a} vs ${b}: ours ${ours}, rpm ${theirs[k]}`];
    });
    expect(wrong.slice(0, 20), `${wrong.length} disagreements`).toEqual([]);
  });
});
