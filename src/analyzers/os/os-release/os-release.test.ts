import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { OSInfo } from "../../../model/index.js";
import { combineOS, osReleaseAnalyzer } from "./index.js";
import { osFromOsRelease, parseKeyValues } from "./parse.js";
import { parseReleaseFile } from "./release-files.js";

const TESTDATA = join(import.meta.dirname, "testdata");
const NOW = new Date("2026-11-28T00:00:00Z");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Runs the analyzer over a root-filesystem-shaped fixture, as the core would. */
function analyzeCase(name: string): { path: string; os: OSInfo }[] {
  const root = join(TESTDATA, name);
  const found: { path: string; os: OSInfo }[] = [];
  for (const abs of walk(root)) {
    const path = relative(root, abs);
    if (!osReleaseAnalyzer.required(path)) continue;
    const result = osReleaseAnalyzer.analyze({ path, content: readFileSync(abs), mode: 0o644 });
    if (result instanceof Promise) throw new Error("os/release is synchronous");
    if (result?.os) found.push({ path, os: result.os });
  }
  return found;
}

const detect = (name: string) => combineOS(analyzeCase(name), NOW);

describe("osReleaseAnalyzer.required", () => {
  it("wants the release files and nothing else", () => {
    for (const p of ["etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/debian_version", "etc/SuSE-release", "etc/lsb-release", "etc/system-release"]) {
      expect(osReleaseAnalyzer.required(p)).toBe(true);
    }
    for (const p of ["/etc/os-release", "etc/os-release.d/x", "usr/etc/os-release", "etc/issue", "etc/suse-release"]) {
      expect(osReleaseAnalyzer.required(p)).toBe(false);
    }
    expect(osReleaseAnalyzer.id).toBe("os/release");
    expect(osReleaseAnalyzer.maxFileSize).toBe(65536);
  });
});

describe("fixtures", () => {
  it("Debian bookworm: version stays the major release, codename from os-release", () => {
    expect(analyzeCase("debian-bookworm").find((f) => f.path === "etc/debian_version")?.os).toEqual({ family: "debian", version: "12" });
    expect(detect("debian-bookworm")).toEqual({
      family: "debian",
      version: "12",
      codename: "bookworm",
      name: "Debian GNU/Linux",
      prettyName: "Debian GNU/Linux 12 (bookworm)",
      eol: { date: "2026-06-10", eol: true },
    });
  });

  it("Debian testing: no VERSION_ID, the codename stands in and there is no end of life", () => {
    expect(detect("debian-trixie-sid")).toEqual({
      family: "debian",
      version: "trixie",
      codename: "trixie",
      name: "Debian GNU/Linux",
      prettyName: "Debian GNU/Linux trixie/sid",
    });
  });

  it("Debian jessie: codename parsed from VERSION, long past end of life", () => {
    const os = detect("debian-jessie");
    expect(os).toMatchObject({ family: "debian", version: "8", codename: "jessie", eol: { date: "2018-06-17", eol: true } });
  });

  it("only debian_version: major release, codename from the table", () => {
    expect(detect("debian-version-only")).toEqual({
      family: "debian",
      version: "11",
      codename: "bullseye",
      eol: { date: "2024-08-14", eol: true },
    });
  });

  it("distroless: codename from VERSION in parentheses", () => {
    expect(detect("distroless")).toMatchObject({ family: "debian", version: "12", codename: "bookworm", prettyName: "Distroless" });
  });

  it("Ubuntu jammy: lsb-release agrees, debian_version (bookworm/sid) is ignored", () => {
    expect(detect("ubuntu-jammy")).toEqual({
      family: "ubuntu",
      version: "22.04",
      codename: "jammy",
      name: "Ubuntu",
      prettyName: "Ubuntu 22.04.4 LTS",
      eol: { date: "2027-04-01", eol: false },
    });
  });

  it("Ubuntu trusty: codename from `VERSION=\"14.04.6 LTS, Trusty Tahr\"`", () => {
    expect(detect("ubuntu-trusty")).toMatchObject({ family: "ubuntu", version: "14.04", codename: "trusty", eol: { date: "2019-04-02", eol: true } });
  });

  it("Ubuntu without os-release: lsb-release wins over debian_version", () => {
    expect(detect("ubuntu-lsb-only")).toMatchObject({ family: "ubuntu", version: "22.04", codename: "jammy", name: "Ubuntu" });
  });

  it("Alpine: version from alpine-release, eol by branch", () => {
    expect(detect("alpine-3.20")).toEqual({
      family: "alpine",
      version: "3.20.3",
      name: "Alpine Linux",
      prettyName: "Alpine Linux v3.20",
      eol: { date: "2026-04-01", eol: true },
    });
  });

  it("CentOS 7: centos-release refines 7 to 7.9.2009", () => {
    expect(detect("centos-7")).toEqual({
      family: "centos",
      version: "7.9.2009",
      name: "CentOS Linux",
      prettyName: "CentOS Linux 7 (Core)",
      eol: { date: "2024-06-30", eol: true },
    });
  });

  it("CentOS 8 from redhat-release alone ended 2021-12-31", () => {
    expect(detect("centos-8-release-only")).toEqual({
      family: "centos",
      version: "8.4.2105",
      name: "CentOS Linux",
      prettyName: "CentOS Linux release 8.4.2105",
      eol: { date: "2021-12-31", eol: true },
    });
  });

  it("CentOS Stream 9 uses the Stream dates", () => {
    expect(detect("centos-stream-9")).toMatchObject({ family: "centos", version: "9", eol: { date: "2027-05-31", eol: false } });
  });

  it("Rocky with only usr/lib/os-release", () => {
    expect(detect("rocky-9")).toMatchObject({ family: "rocky", version: "9.3", prettyName: "Rocky Linux 9.3 (Blue Onyx)", eol: { date: "2032-05-31", eol: false } });
  });

  it("Amazon Linux 2 and 2023", () => {
    expect(detect("amzn-2")).toMatchObject({ family: "amzn", version: "2", eol: { date: "2026-06-30", eol: true } });
    expect(detect("amzn-2023")).toMatchObject({ family: "amzn", version: "2023", eol: { date: "2029-06-30", eol: false } });
    expect(detect("amzn-1-release-only")).toMatchObject({ family: "amzn", version: "2018.03", eol: { date: "2023-12-31", eol: true } });
  });

  it("Wolfi: recognised, no end-of-life entry", () => {
    expect(detect("wolfi")).toEqual({ family: "wolfi", version: "20230201", name: "Wolfi", prettyName: "Wolfi" });
  });

  it("SLES 12 SP3 from SuSE-release", () => {
    expect(detect("sles-12-release-only")).toEqual({
      family: "sles",
      version: "12.3",
      name: "SUSE Linux Enterprise Server 12",
      prettyName: "SUSE Linux Enterprise Server 12 (x86_64)",
    });
  });
});

describe("combineOS", () => {
  const deb12: OSInfo = { family: "debian", version: "12", codename: "bookworm" };

  it("prefers etc/os-release over usr/lib/os-release over specific files", () => {
    const found = [
      { path: "etc/alpine-release", os: { family: "alpine", version: "3.19.1" } },
      { path: "usr/lib/os-release", os: { family: "alpine", version: "3.18.0" } },
      { path: "etc/os-release", os: { family: "alpine", version: "3.19" } },
    ];
    expect(combineOS(found, NOW)?.version).toBe("3.19.1");
    expect(combineOS(found.slice(0, 2), NOW)?.version).toBe("3.18.0"); // 3.19.1 does not extend 3.18.0
  });

  it("ignores specific files of another family", () => {
    const os = combineOS(
      [
        { path: "etc/os-release", os: deb12 },
        { path: "etc/alpine-release", os: { family: "alpine", version: "3.20.3" } },
      ],
      NOW,
    );
    expect(os?.family).toBe("debian");
    expect(os?.version).toBe("12");
  });

  it("returns null when nothing was found", () => {
    expect(combineOS([], NOW)).toBeNull();
    expect(combineOS([{ path: "etc/issue", os: deb12 }], NOW)).toBeNull();
  });

  it("marks end of life against the injected date", () => {
    const before = new Date("2026-06-09T23:59:59Z");
    const after = new Date("2026-06-10T00:00:01Z");
    expect(combineOS([{ path: "etc/os-release", os: deb12 }], before)?.eol).toEqual({ date: "2026-06-10", eol: false });
    expect(combineOS([{ path: "etc/os-release", os: deb12 }], after)?.eol).toEqual({ date: "2026-06-10", eol: true });
  });

  it("does not mutate its input", () => {
    const input = { path: "etc/os-release", os: { family: "debian", version: "12" } };
    combineOS([input], NOW);
    expect(input.os).toEqual({ family: "debian", version: "12" });
  });
});

describe("os-release quoting", () => {
  it("follows the shell rules os-release(5) asks for", () => {
    const kv = parseKeyValues(
      [
        "# comment line",
        "   # indented comment",
        "",
        'NAME="Example \\"Quoted\\" Linux"',
        "ID='example'",
        'PRETTY_NAME="Cost: \\$5 \\\\ back\\`tick\\` \\n stays"',
        "SINGLE='no \\\"escapes\\\" here'",
        "BARE=plain\\ value",
        'MIXED="abc"\'def\'ghi',
        "EMPTY=",
        'EMPTYQ=""',
        "TRAILING=value   ",
        'UNTERMINATED="half',
        "not an assignment",
        "1BAD=x",
        'HASH="a # not a comment"',
        "CRLF=yes\r",
        "SPACED = spaced",
      ].join("\n"),
    );
    expect(kv.get("NAME")).toBe('Example "Quoted" Linux');
    expect(kv.get("ID")).toBe("example");
    expect(kv.get("PRETTY_NAME")).toBe("Cost: $5 \\ back`tick` \\n stays");
    expect(kv.get("SINGLE")).toBe('no \\"escapes\\" here');
    expect(kv.get("BARE")).toBe("plain value");
    expect(kv.get("MIXED")).toBe("abcdefghi");
    expect(kv.get("EMPTY")).toBe("");
    expect(kv.get("EMPTYQ")).toBe("");
    expect(kv.get("TRAILING")).toBe("value");
    expect(kv.get("UNTERMINATED")).toBe("half");
    expect(kv.get("HASH")).toBe("a # not a comment");
    expect(kv.get("CRLF")).toBe("yes");
    expect(kv.get("SPACED")).toBe("spaced");
    expect(kv.has("1BAD")).toBe(false);
    expect(kv.size).toBe(13);
  });

  it("lowercases ID and falls back to UBUNTU_CODENAME", () => {
    const os = osFromOsRelease(parseKeyValues('ID="Ubuntu"\nVERSION_ID="24.04"\nUBUNTU_CODENAME=noble\n'));
    expect(os).toEqual({ family: "ubuntu", version: "24.04", codename: "noble" });
  });

  it("does not invent codenames for non-Debian families", () => {
    const os = osFromOsRelease(parseKeyValues('ID="rhel"\nVERSION="9.4 (Plow)"\nVERSION_ID="9.4"\n'));
    expect(os).toEqual({ family: "rhel", version: "9.4" });
  });

  it("needs an ID", () => {
    expect(osFromOsRelease(parseKeyValues('NAME="Linux"\nVERSION_ID=1\n'))).toBeNull();
  });
});

describe("specific release files", () => {
  it("reads the Red Hat style first line", () => {
    expect(parseReleaseFile("etc/redhat-release", "Red Hat Enterprise Linux release 9.4 (Plow)\n")).toMatchObject({ family: "rhel", version: "9.4" });
    expect(parseReleaseFile("etc/almalinux-release", "AlmaLinux release 8.10 (Cerulean Leopard)\n")).toMatchObject({ family: "almalinux", version: "8.10" });
    expect(parseReleaseFile("etc/fedora-release", "Fedora release 40 (Forty)\n")).toMatchObject({ family: "fedora", version: "40" });
    expect(parseReleaseFile("etc/system-release", "Oracle Linux Server release 8.9\n")).toMatchObject({ family: "ol", version: "8.9" });
    expect(parseReleaseFile("etc/system-release", "Amazon Linux release 2023.5.20240805 (Amazon Linux)\n")).toMatchObject({ family: "amzn", version: "2023" });
    expect(parseReleaseFile("etc/redhat-release", "Mystery OS release 1\n")).toBeNull();
  });

  it("Oracle Linux: system-release beats its Red Hat-branded redhat-release", () => {
    const found = ["etc/redhat-release", "etc/system-release"].map((path, i) => ({
      path,
      os: parseReleaseFile(path, i === 0 ? "Red Hat Enterprise Linux Server release 7.9 (Maipo)" : "Oracle Linux Server release 7.9")!,
    }));
    expect(combineOS(found, NOW)).toMatchObject({ family: "ol", version: "7.9", eol: { date: "2024-12-01", eol: true } });
  });

  it("openSUSE Leap from SuSE-release", () => {
    expect(parseReleaseFile("etc/SuSE-release", "openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n")).toEqual({
      family: "opensuse-leap",
      version: "42.3",
      name: "openSUSE 42.3",
      prettyName: "openSUSE 42.3 (x86_64)",
      codename: "Malachite",
    });
  });

  it("rejects content that is not a release", () => {
    expect(parseReleaseFile("etc/alpine-release", "hello\n")).toBeNull();
    expect(parseReleaseFile("etc/debian_version", "")).toBeNull();
    expect(parseReleaseFile("etc/lsb-release", "FOO=bar\n")).toBeNull();
  });
});

describe("garbage input", () => {
  const paths = ["etc/os-release", "etc/alpine-release", "etc/debian_version", "etc/redhat-release", "etc/lsb-release", "etc/SuSE-release"];
  const inputs: [string, Buffer][] = [
    ["empty", Buffer.alloc(0)],
    ["random bytes", Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 256))],
    ["one enormous line", Buffer.alloc(64 * 1024, "A")],
    ["enormous quoted value", Buffer.from(`ID="${"x".repeat(60000)}`)],
    ["truncated", Buffer.from('PRETTY_NAME="Debian GNU/Li')],
    ["NUL bytes", Buffer.alloc(1024, 0)],
  ];
  for (const [label, content] of inputs) {
    it(`${label} does not throw`, () => {
      for (const path of paths) {
        expect(() => osReleaseAnalyzer.analyze({ path, content, mode: 0o644 })).not.toThrow();
      }
    });
  }

  it("random bytes give no OS", () => {
    expect(osReleaseAnalyzer.analyze({ path: "etc/os-release", content: inputs[1]![1], mode: 0o644 })).toBeNull();
  });
});
