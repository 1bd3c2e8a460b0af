import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../../test/support/tools.js";
import { neighbourPairs, samplePairs, vectorVersions } from "../test-support/data.js";
import { compareMaven, parseMaven } from "./index.js";

describe("Maven ordering", () => {
  it("orders qualifiers alpha < beta < milestone < rc < snapshot < release < sp < unknown", () => {
    const ordered = ["1-alpha", "1-beta", "1-milestone", "1-rc", "1-snapshot", "1", "1-sp", "1-abc", "1-xyz", "1-1", "1.1"];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect([ordered[i], ordered[j], compareMaven(ordered[i]!, ordered[j]!)]).toEqual([ordered[i], ordered[j], Math.sign(i - j) || 0]);
      }
    }
  });

  it.each([
    ["1", "1.0.0"],
    ["1", "1-0"],
    ["1", "1.ga"],
    ["1", "1-final"],
    ["1", "1-RELEASE"],
    ["1cr", "1rc"],
    ["1a1", "1-alpha-1"],
    ["1m3", "1-milestone-3"],
    ["1.0.0x", "1-x"],
    ["1-1.foo-bar1baz-.1", "1-1.foo-bar-1-baz-0.1"],
    ["1-ga-1", "1-1"], // the Maven spec's example (maven-artifact 3.8 disagrees, see below)
  ])("%s equals %s", (a, b) => {
    expect(compareMaven(a, b)).toBe(0);
  });

  it("keeps single letters as words when no digit follows", () => {
    expect(compareMaven("1a", "1-alpha")).toBe(1); // "a" is an unknown word, after every qualifier
    expect(parseMaven("1a")).toEqual([{ int: "1" }, [{ str: "a" }]]);
  });

  it("compares very long numbers exactly", () => {
    expect(compareMaven("20190126.230843", "1234567890.12345")).toBe(-1);
    expect(compareMaven("123456789012345.1H.5-beta", "12345678901234567890.1H.5-beta")).toBe(-1);
  });
});

const JAR = "/usr/share/maven/lib/maven-artifact-3.x.jar";

/** ComparableVersion's main() compares each argument with the next one. */
function mavenCompare(versions: string[]): Map<string, number> {
  const out = execFileSync("java", ["-cp", JAR, "org.apache.maven.artifact.versioning.ComparableVersion", ...versions], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const results = new Map<string, number>();
  for (const m of out.matchAll(/^ {3}(\S+) (<|==|>) (\S+)$/gm)) results.set(`${m[1]}\t${m[3]}`, m[2] === "<" ? -1 : m[2] === ">" ? 1 : 0);
  return results;
}

// The one place we follow the Maven specification rather than maven-artifact: a
// "-" section holding only null items ("-ga-", "-0-", "--") before another
// section (1-ga-1 = 1-1; see maven/index.ts).
const EMPTY_SECTION = /-(0*|ga|final|release)(\.(0*|ga|final|release))*-/i;

describe.skipIf(missingTool("maven ComparableVersion cross-check", ["java", JAR], { java: ["-version"] }) !== undefined)("cross-check with maven-artifact's ComparableVersion", () => {
  it("agrees on thousands of pairs of Maven versions from advisories", () => {
    const pool = [...new Set([...vectorVersions("maven-versions.txt"), ...vectorVersions("maven-versions-generated.txt")])]
      .filter((v) => !v.startsWith("-"))
      .sort(compareMaven);
    const pairs = [...neighbourPairs(pool).filter((_, k) => k % 4 === 0), ...samplePairs(pool, 2000, 9)];
    const args = pairs.flat();
    const theirs = mavenCompare(args);
    const wrong: string[] = [];
    let checked = 0;
    let excused = 0;
    for (let k = 1; k < args.length; k++) {
      const [a, b] = [args[k - 1]!, args[k]!];
      const want = theirs.get(`${a}\t${b}`);
      if (want === undefined) continue;
      checked++;
      // The local jar is 3.8.7, so compare in its mode (see MavenOptions).
      const ours = compareMaven(a, b, { dotWordStartsSection: true });
      if (ours === want) continue;
      if (EMPTY_SECTION.test(a) || EMPTY_SECTION.test(b)) excused++;
      else wrong.push(`${a} vs ${b}: ours ${ours}, maven ${want}`);
    }
    expect(checked).toBeGreaterThan(4000);
    expect(excused).toBeLessThan(checked / 100);
    expect(wrong.slice(0, 20), `${wrong.length} disagreements`).toEqual([]);
  });

  it("shows the known differences with 3.8.7", () => {
    const theirs = mavenCompare(["1-ga-1", "1-1", "1.2.RC1", "1.2-RC1"]);
    expect(theirs.get("1-ga-1\t1-1")).toBe(-1);
    expect(compareMaven("1-ga-1", "1-1")).toBe(0);
    expect(theirs.get("1.2.RC1\t1.2-RC1")).toBe(0);
    expect(compareMaven("1.2.RC1", "1.2-RC1")).toBe(-1); // 3.8.6, which the advisory vectors pin
    expect(compareMaven("1.2.RC1", "1.2-RC1", { dotWordStartsSection: true })).toBe(0);
  });
});
