import { describe, expect, it } from "vitest";
import type { OsvAffected, OsvEvent, OsvRange } from "../model/osv.js";
import { evaluateAffected } from "./index.js";
import { apitesterRecords, goRecord, usnRecord } from "./test-support/data.js";

const range = (type: OsvRange["type"], ...events: OsvEvent[]): OsvRange => ({ type, events });
const npm = (ranges: OsvRange[], versions?: string[]): OsvAffected => ({
  package: { ecosystem: "npm", name: "pkg" },
  ranges,
  ...(versions ? { versions } : {}),
});

describe("evaluateAffected: OSV evaluation rules", () => {
  const everythingBefore102 = npm([range("ECOSYSTEM", { introduced: "0" }, { fixed: "1.0.2" })]);

  it.each([
    ["0.0.1", true, ["1.0.2"]],
    ["1.0.1", true, ["1.0.2"]],
    ["1.0.2-rc.1", true, ["1.0.2"]],
    ["1.0.2", false, []],
    ["2.0.0", false, []],
  ])('introduced "0" is the beginning: %s -> %s', (v, affected, fixed) => {
    expect(evaluateAffected(v, everythingBefore102)).toEqual({ affected, fixed });
  });

  const twoWindows = [{ introduced: "1.0.0" }, { fixed: "1.0.2" }, { introduced: "3.0.0" }, { fixed: "3.2.5" }];
  it.each([
    ["0.9.0", false, []],
    ["1.0.0", true, ["1.0.2"]],
    ["1.0.2", false, []],
    ["2.0.0", false, []],
    ["3.1.0", true, ["3.2.5"]],
    ["3.2.5", false, []],
  ])("several introduced/fixed pairs, in order or shuffled: %s -> %s", (v, affected, fixed) => {
    expect(evaluateAffected(v, npm([range("SEMVER", ...twoWindows)]))).toEqual({ affected, fixed });
    const shuffled = [twoWindows[3]!, twoWindows[0]!, twoWindows[2]!, twoWindows[1]!];
    expect(evaluateAffected(v, npm([range("SEMVER", ...shuffled)]))).toEqual({ affected, fixed });
  });

  it("treats last_affected as inclusive", () => {
    const a = npm([range("ECOSYSTEM", { introduced: "0" }, { last_affected: "2.1.214" })]);
    expect(evaluateAffected("2.1.214", a)).toEqual({ affected: true, fixed: [], lastAffected: "2.1.214" });
    expect(evaluateAffected("2.1.3", a)).toEqual({ affected: true, fixed: [], lastAffected: "2.1.214" });
    expect(evaluateAffected("2.1.215", a)).toEqual({ affected: false, fixed: [] });
  });

  it("treats limit as an exclusive upper bound, '*' as infinity, several limits as a union", () => {
    const limited = npm([range("ECOSYSTEM", { introduced: "1.0.0" }, { limit: "2.0.0" })]);
    expect(evaluateAffected("1.5.0", limited).affected).toBe(true);
    expect(evaluateAffected("2.0.0", limited).affected).toBe(false);
    expect(evaluateAffected("0.5.0", limited).affected).toBe(false);
    const star = npm([range("ECOSYSTEM", { introduced: "1.0.0" }, { limit: "*" })]);
    expect(evaluateAffected("99.0.0", star).affected).toBe(true);
    const two = npm([range("ECOSYSTEM", { introduced: "1.0.0" }, { limit: "2.0.0" }, { limit: "4.0.0" })]);
    expect(evaluateAffected("3.0.0", two).affected).toBe(true);
    expect(evaluateAffected("4.0.0", two).affected).toBe(false);
  });

  it("matches versions lists exactly, or by the ecosystem's equality", () => {
    const listed = npm([], ["1.0.0", "1.0.1"]);
    expect(evaluateAffected("1.0.1", listed)).toEqual({ affected: true, fixed: [] });
    expect(evaluateAffected("1.0.2", listed)).toEqual({ affected: false, fixed: [] });
    const pypi: OsvAffected = { package: { ecosystem: "PyPI", name: "x" }, versions: ["1.0"] };
    expect(evaluateAffected("1.0.0", pypi).affected).toBe(true); // PEP 440: 1.0 == 1.0.0
  });

  it("orders SEMVER ranges by SemVer whatever the ecosystem, ECOSYSTEM ranges by the ecosystem", () => {
    // RubyGems: 1.0.0.beta is a pre-release of 1.0.0; for SemVer ".beta" is build metadata, so it *is* 1.0.0.
    const gem = (type: string): OsvAffected => ({ package: { ecosystem: "RubyGems", name: "g" }, ranges: [range(type, { introduced: "0" }, { fixed: "1.0.0" })] });
    expect(evaluateAffected("1.0.0.beta", gem("ECOSYSTEM")).affected).toBe(true);
    expect(evaluateAffected("1.0.0.beta", gem("SEMVER")).affected).toBe(false);
    // SEMVER tolerates a leading "v".
    expect(evaluateAffected("v1.5.0", gem("SEMVER")).affected).toBe(false);
    expect(evaluateAffected("v0.5.0", gem("SEMVER")).affected).toBe(true);
  });

  it("ignores GIT ranges", () => {
    const git: OsvAffected = { ranges: [{ type: "GIT", repo: "https://example.com/r.git", events: [{ introduced: "0" }] }] };
    expect(evaluateAffected("1.0.0", git)).toEqual({ affected: false, fixed: [] });
  });

  it("never throws on unparsable versions: not affected, unless literally listed", () => {
    const a = npm([range("ECOSYSTEM", { introduced: "0" }, { fixed: "1.0.2" })], ["not-a-version"]);
    expect(evaluateAffected("latest", a)).toEqual({ affected: false, fixed: [] });
    expect(evaluateAffected("not-a-version", a)).toEqual({ affected: true, fixed: [] });
    // A range with an event we cannot order is skipped rather than guessed.
    const badEvent = npm([range("ECOSYSTEM", { introduced: "0" }, { fixed: "garbage" })]);
    expect(evaluateAffected("1.0.0", badEvent).affected).toBe(false);
    // Go's "(devel)" builds have no place in the order.
    const go: OsvAffected = { package: { ecosystem: "Go", name: "m" }, ranges: [range("SEMVER", { introduced: "0" })] };
    expect(evaluateAffected("(devel)", go, "Go").affected).toBe(false);
    // Invalid Debian versions (dpkg refuses them) are not affected either.
    const deb: OsvAffected = { package: { ecosystem: "Debian:12", name: "p" }, ranges: [range("ECOSYSTEM", { introduced: "0" })] };
    expect(evaluateAffected("1.0-", deb).affected).toBe(false);
    // Pre-PEP 440 Python versions: pip refuses them, so no ECOSYSTEM range covers them.
    const py: OsvAffected = { package: { ecosystem: "PyPI", name: "p" }, ranges: [range("ECOSYSTEM", { introduced: "0" })] };
    expect(evaluateAffected("0.9-doduo", py).affected).toBe(false);
  });

  it("reports the lowest fixed above the version per affecting range, deduplicated and ordered", () => {
    const a = npm([
      range("ECOSYSTEM", { introduced: "0" }, { fixed: "1.0.10" }),
      range("ECOSYSTEM", { introduced: "1.0.0" }, { fixed: "1.0.2" }, { fixed: "1.0.9" }),
      range("ECOSYSTEM", { introduced: "0" }, { fixed: "1.0.2" }),
      range("ECOSYSTEM", { introduced: "5.0.0" }, { fixed: "5.0.1" }), // does not affect 1.0.1
    ]);
    expect(evaluateAffected("1.0.1", a)).toEqual({ affected: true, fixed: ["1.0.2", "1.0.10"] });
  });

  it("makes [X, X) empty when introduced and fixed coincide", () => {
    const a = npm([range("ECOSYSTEM", { fixed: "1.0.0" }, { introduced: "1.0.0" })]);
    expect(evaluateAffected("1.0.0", a).affected).toBe(false);
  });

  it("uses the release-suffixed ecosystem's comparator, and lets the caller override it", () => {
    const a: OsvAffected = { package: { ecosystem: "Debian:12", name: "p" }, ranges: [range("ECOSYSTEM", { introduced: "0" }, { fixed: "1.0-1" })] };
    expect(evaluateAffected("1.0~rc1-1", a).affected).toBe(true); // dpkg: ~ sorts first
    expect(evaluateAffected("1.0~rc1-1", { ...a, package: undefined }, "Ubuntu:22.04:LTS").affected).toBe(true);
  });

  it("throws for an ECOSYSTEM range in an ecosystem it does not know", () => {
    const a: OsvAffected = { package: { ecosystem: "Nonesuch", name: "p" }, ranges: [range("ECOSYSTEM", { introduced: "0" })] };
    expect(() => evaluateAffected("1.0", a)).toThrow(/Nonesuch.*known ecosystems: Debian/);
    const s: OsvAffected = { package: { ecosystem: "Nonesuch", name: "p" }, ranges: [range("SEMVER", { introduced: "0" })] };
    expect(evaluateAffected("1.0.0", s).affected).toBe(true);
  });
});

describe("evaluateAffected on real records", () => {
  it("Go: GO-2020-0001 (gin before 1.6.0)", () => {
    const [a] = goRecord("GO-2020-0001").affected!;
    expect(evaluateAffected("v1.5.0", a!)).toEqual({ affected: true, fixed: ["1.6.0"] });
    expect(evaluateAffected("v1.6.0", a!).affected).toBe(false);
    expect(evaluateAffected("v1.6.0-rc.1", a!).affected).toBe(true);
    expect(evaluateAffected("v0.0.0-20190101000000-aaaaaaaaaaaa", a!).affected).toBe(true);
  });

  it("Go: GO-2020-0005 (etcd, fixed at a pseudo-version on top of a pre-release)", () => {
    const [a] = goRecord("GO-2020-0005").affected!;
    expect(evaluateAffected("v0.5.0-alpha.5", a!).affected).toBe(true);
    expect(evaluateAffected("v0.5.0-alpha.5.0.20200423152442-f4b650b51dc4", a!).affected).toBe(false);
    expect(evaluateAffected("v0.5.0-alpha.6", a!).affected).toBe(false);
  });

  it("Go: GO-2025-3797 (pseudo-versions and +incompatible, six windows)", () => {
    const a = goRecord("GO-2025-3797").affected!.find((x) => x.package?.name === "github.com/mattermost/mattermost-server")!;
    expect(evaluateAffected("v0.0.0-20250101000000-aaaaaaaaaaaa", a)).toEqual({ affected: true, fixed: ["0.0.0-20250513065225-4ae5d647fb88"] });
    expect(evaluateAffected("v0.0.0-20250601000000-aaaaaaaaaaaa", a).affected).toBe(false);
    expect(evaluateAffected("v9.10.0+incompatible", a).affected).toBe(false);
    expect(evaluateAffected("v9.11.5+incompatible", a)).toEqual({ affected: true, fixed: ["9.11.16+incompatible"] });
    expect(evaluateAffected("v10.8.0+incompatible", a)).toEqual({ affected: true, fixed: ["10.8.1+incompatible"] });
    expect(evaluateAffected("v10.8.1+incompatible", a).affected).toBe(false);
  });

  it("Go: GO-2026-6218 (stdlib, windows opened at 1.26.0-0)", () => {
    const [a] = goRecord("GO-2026-6218").affected!;
    expect(evaluateAffected("1.25.12", a!)).toEqual({ affected: true, fixed: ["1.25.13"] });
    expect(evaluateAffected("1.25.13", a!).affected).toBe(false);
    expect(evaluateAffected("1.26.0-rc.1", a!)).toEqual({ affected: true, fixed: ["1.26.6"] });
    expect(evaluateAffected("1.26.6", a!).affected).toBe(false);
    expect(evaluateAffected("1.27.0-rc.2", a!)).toEqual({ affected: true, fixed: ["1.27.0-rc.3"] });
    expect(evaluateAffected("1.27.0", a!).affected).toBe(false);
  });

  it("Ubuntu: USN-6188-1 (openssl, ECOSYSTEM range plus versions list)", () => {
    const [trusty, xenial] = usnRecord().affected!;
    expect(evaluateAffected("1.0.1f-1ubuntu2.27+esm8", trusty!)).toEqual({ affected: true, fixed: ["1.0.1f-1ubuntu2.27+esm9"] });
    expect(evaluateAffected("1.0.1f-1ubuntu2.27+esm9", trusty!).affected).toBe(false);
    expect(evaluateAffected("1.0.1f-1ubuntu2.27", trusty!).affected).toBe(true); // +esm9 is later
    expect(evaluateAffected("1.0.2g-1ubuntu4.20+esm9", xenial!).affected).toBe(false);
    for (const v of trusty!.versions!) expect(evaluateAffected(v, trusty!).affected).toBe(true);
  });

  // The osv.dev API answered these queries with these records, so each must
  // affect the queried version (the snapshots elide `versions`, ranges remain).
  it.each([
    ["PyPI", "jinja2", "3.1.4"],
    ["RubyGems", "nokogiri", "1.18.2"],
  ])("%s: every record osv.dev returned for %s %s affects it, and its fixed version does not", (ecosystem, name, version) => {
    const records = [...apitesterRecords().values()].filter((r) => r.affected?.some((a) => a.package?.ecosystem === ecosystem && a.package.name === name));
    expect(records.length).toBeGreaterThan(5);
    for (const r of records) {
      const a = r.affected!.find((x) => x.package?.name === name)!;
      const result = evaluateAffected(version, a);
      expect([r.id, result.affected]).toEqual([r.id, true]);
      const expectedFixed = a.ranges!.flatMap((g) => g.events.flatMap((e) => (e.fixed ? [e.fixed] : [])));
      expect(result.fixed).toEqual(expectedFixed);
      for (const f of result.fixed) expect([r.id, f, evaluateAffected(f, a).affected]).toEqual([r.id, f, false]);
    }
  });

  it("SEMVER: every curl record osv.dev returned for 8.5.0 affects 8.5.0 (no ecosystem needed)", () => {
    const records = [...apitesterRecords().values()].filter((r) => r.id.startsWith("CURL-"));
    expect(records.length).toBeGreaterThan(30);
    for (const r of records) {
      for (const a of r.affected!) {
        if (!a.ranges?.some((g) => g.type === "SEMVER")) continue;
        expect([r.id, evaluateAffected("8.5.0", a).affected]).toEqual([r.id, true]);
        expect([r.id, evaluateAffected("7.6.0", a).affected]).toEqual([r.id, false]); // before every introduced
      }
    }
  });
});
