import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { PackageURL } from "packageurl-js";
import { describe, expect, it } from "vitest";
import type { OSInfo, Package } from "../../../model/index.js";
import type { FileAnalysis } from "../../types.js";
import { dpkgAnalyzer } from "./index.js";
import { parseStanzas } from "./control.js";
import { debPurl } from "./finalize.js";
import { parseSource, parseStatus } from "./status.js";

const TESTDATA = join(import.meta.dirname, "testdata");
const DEBIAN_12: OSInfo = { family: "debian", version: "12", codename: "bookworm" };

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function analyze(path: string, content: Buffer | string): FileAnalysis {
  const result = dpkgAnalyzer.analyze({ path, content: Buffer.from(content), mode: 0o644 });
  if (result === null || result instanceof Promise) throw new Error(`unexpected result for ${path}`);
  return result;
}

/** What the core does: hand every wanted file of a root filesystem to analyze, then finalize. */
function scan(name: string, os: OSInfo | null = DEBIAN_12) {
  const root = join(TESTDATA, name);
  const packages: Package[] = [];
  const errors: string[] = [];
  const owners = new Map<string, string[]>();
  const analyzed: string[] = [];
  for (const abs of walk(root).sort()) {
    const path = relative(root, abs);
    if (!dpkgAnalyzer.required(path)) continue;
    analyzed.push(path);
    const result = analyze(path, readFileSync(abs));
    packages.push(...(result.packages ?? []));
    errors.push(...(result.errors ?? []));
    for (const o of result.owners ?? []) owners.set(o.package, o.files);
  }
  return { packages: dpkgAnalyzer.finalize!(packages, { os, owners }), errors, analyzed, raw: packages };
}

const byName = (pkgs: Package[], name: string, arch?: string) =>
  pkgs.find((p) => p.name === name && (arch === undefined || p.arch === arch));

describe("dpkgAnalyzer.required", () => {
  it("wants status, status.d entries and info lists", () => {
    const yes = [
      "var/lib/dpkg/status",
      "var/lib/dpkg/status.d/libsqlite3-0",
      "var/lib/dpkg/status.d/base",
      "var/lib/dpkg/status.d/libluajit5.1-2",
      "var/lib/dpkg/info/zlib1g:amd64.list",
      "var/lib/dpkg/info/bash.list",
    ];
    const no = [
      "/var/lib/dpkg/status",
      "var/lib/dpkg/status-old",
      "var/lib/dpkg/status.d/",
      "var/lib/dpkg/status.d/libsqlite3-0.md5sums",
      "var/lib/dpkg/status.d/libsqlite3-0.preinst",
      "var/lib/dpkg/status.d/sub/pkg",
      "var/lib/dpkg/info/bash.md5sums",
      "var/lib/dpkg/info/.list",
      "var/lib/dpkg/info/sub/bash.list",
      "usr/lib/dpkg/status",
      "var/lib/dpkg/available",
    ];
    for (const p of yes) expect(dpkgAnalyzer.required(p), p).toBe(true);
    for (const p of no) expect(dpkgAnalyzer.required(p), p).toBe(false);
    expect(dpkgAnalyzer.id).toBe("os/dpkg");
    expect(dpkgAnalyzer.maxFileSize).toBe(64 * 1024 * 1024);
  });
});

describe("bookworm status with info lists", () => {
  const { packages, errors, analyzed } = scan("bookworm");

  it("reads every installed package, sorted by name", () => {
    expect(errors).toEqual([]);
    expect(analyzed).toHaveLength(5);
    expect(packages.map((p) => `${p.name} ${p.version} ${p.arch}`)).toEqual([
      "base-files 12.4+deb12u11 amd64",
      "bash 5.2.15-2+b8 amd64",
      "bsdutils 1:2.38.1-5+deb12u3 amd64",
      "gcc-12-base 12.2.0-14+deb12u1 amd64",
      "libc6 2.36-9+deb12u14 amd64",
      "libcap2 1:2.66-4+deb12u2+b2 amd64",
      "libgcc-s1 12.2.0-14+deb12u1 amd64",
      "libstdc++6 12.2.0-14+deb12u1 amd64",
      "libtinfo6 6.4-4 amd64",
      "ncurses-base 6.4-4 all",
      "tzdata 2025b-0+deb12u2 all",
      "zlib1g 1:1.2.13.dfsg-1 amd64",
    ]);
  });

  it("keeps the epoch and builds the purl", () => {
    expect(byName(packages, "zlib1g")).toEqual({
      type: "deb",
      name: "zlib1g",
      version: "1:1.2.13.dfsg-1",
      arch: "amd64",
      purl: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
      source: { name: "zlib", version: "1:1.2.13.dfsg-1" },
      licenses: [],
      locations: [{ path: "/var/lib/dpkg/status" }],
      files: [
        "/lib",
        "/lib/x86_64-linux-gnu",
        "/lib/x86_64-linux-gnu/libz.so.1.2.13",
        "/usr",
        "/usr/share",
        "/usr/share/doc",
        "/usr/share/doc/zlib1g",
        "/usr/share/doc/zlib1g/changelog.Debian.gz",
        "/usr/share/doc/zlib1g/changelog.gz",
        "/usr/share/doc/zlib1g/copyright",
        "/lib/x86_64-linux-gnu/libz.so.1",
      ],
      metadata: { maintainer: "Mark Brown <broonie@debian.org>", installedSize: "168" },
    });
  });

  it("reads Source with and without a version", () => {
    expect(byName(packages, "bash")?.source).toEqual({ name: "bash", version: "5.2.15-2" });
    expect(byName(packages, "libcap2")?.source).toEqual({ name: "libcap2", version: "1:2.66-4+deb12u2" });
    expect(byName(packages, "bsdutils")?.source).toEqual({ name: "util-linux", version: "2.38.1-5+deb12u3" });
    expect(byName(packages, "libc6")?.source).toEqual({ name: "glibc", version: "2.36-9+deb12u14" });
    expect(byName(packages, "base-files")?.source).toEqual({ name: "base-files", version: "12.4+deb12u11" });
  });

  it("attaches files by name:arch, then by name", () => {
    expect(byName(packages, "bash")?.files).toContain("/bin/bash");
    expect(byName(packages, "bash")?.files).not.toContain("/.");
    expect(byName(packages, "base-files")?.files).toContain("/etc/debian_version");
    expect(byName(packages, "libstdc++6")?.files?.some((f) => f.startsWith("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"))).toBe(true);
    expect(byName(packages, "libc6")?.files).toBeUndefined();
  });

  it("encodes purls like Syft and Trivy", () => {
    expect(byName(packages, "libstdc++6")?.purl).toBe("pkg:deb/debian/libstdc%2B%2B6@12.2.0-14+deb12u1?arch=amd64&distro=debian-12");
    expect(byName(packages, "tzdata")?.purl).toBe("pkg:deb/debian/tzdata@2025b-0+deb12u2?arch=all&distro=debian-12");
    expect(byName(packages, "bsdutils")?.purl).toBe("pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&distro=debian-12");
  });
});

describe("Syft fixtures", () => {
  it("bookworm arm64 status (coreutils and its libraries)", () => {
    const { packages, errors } = scan("bookworm-arm64");
    expect(errors).toEqual([]);
    expect(packages.map((p) => p.name)).toEqual([
      "coreutils", "gcc-12-base", "libacl1", "libattr1", "libc6", "libgcc-s1", "libgmp10", "libpcre2-8-0", "libselinux1",
    ]);
    expect(byName(packages, "libgmp10")).toMatchObject({
      version: "2:6.2.1+dfsg1-1.1",
      arch: "arm64",
      source: { name: "gmp", version: "2:6.2.1+dfsg1-1.1" },
      purl: "pkg:deb/debian/libgmp10@2:6.2.1+dfsg1-1.1?arch=arm64&distro=debian-12",
    });
    expect(byName(packages, "libselinux1")?.source).toEqual({ name: "libselinux", version: "3.4-1" });
    expect(byName(packages, "coreutils")?.source).toEqual({ name: "coreutils", version: "9.1-1" });
  });

  it("distroless status.d: no Status field means installed; md5sums and scripts are not read", () => {
    const { packages, errors, analyzed } = scan("distroless", { family: "debian", version: "11" });
    expect(analyzed).toEqual(["var/lib/dpkg/status.d/libsqlite3-0"]);
    expect(errors).toEqual([]);
    expect(packages).toEqual([
      {
        type: "deb",
        name: "libsqlite3-0",
        version: "3.34.1-3",
        arch: "arm64",
        purl: "pkg:deb/debian/libsqlite3-0@3.34.1-3?arch=arm64&distro=debian-11",
        source: { name: "sqlite3", version: "3.34.1-3" },
        licenses: [],
        locations: [{ path: "/var/lib/dpkg/status.d/libsqlite3-0" }],
        metadata: { maintainer: "Laszlo Boszormenyi (GCS) <gcs@debian.org>", installedSize: "1490" },
      },
    ]);
  });

  it("status.d oddities: corrupt, empty, deinstall, stanzas without Version", () => {
    const { packages, errors } = scan("syft-status-d");
    expect(packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      "apt 1.8.2",
      "libpam-runtime 1.5.2-6+deb12u1",
      "linux-image-6.14.0-1012-aws 6.14.0-1012.12~24.04.1",
      "made-up-package-1 1.0.0",
      "made-up-package-2 2.0.0",
      "made-up-package-3 3.0.0",
      "made-up-package-4 3.0.0",
      "mutt 1.3.17-1",
      "tzdata 2020a-0+deb10u1",
      "util-linux 2.33.1-0.1",
    ]);
    // `apt` is in two files with the same name, arch and version: one entry, two locations.
    expect(byName(packages, "apt")?.locations).toEqual([
      { path: "/var/lib/dpkg/status.d/installed-size-4KB" },
      { path: "/var/lib/dpkg/status.d/single" },
    ]);
    expect(byName(packages, "apt")?.metadata?.installedSize).toBe("4KB");
    expect(byName(packages, "apt")?.source).toEqual({ name: "apt-dev", version: "1.8.2" });
    expect(byName(packages, "made-up-package-1")?.source).toEqual({ name: "glibc", version: "1.0.0" });
    expect(byName(packages, "mutt")?.purl).toBe("pkg:deb/debian/mutt@1.3.17-1?distro=debian-12");
    expect(byName(packages, "linux-image-6.8.0-1029-aws")).toBeUndefined(); // deinstall ok config-files
    expect(errors).toContain("var/lib/dpkg/status.d/corrupt: stanza at line 1 has no Package field");
    expect(errors).toContain("var/lib/dpkg/status.d/empty: stanza at line 1 has no Package field");
    expect(errors).toContain("var/lib/dpkg/status.d/multiple: package no-version at line 3 has no Version field");
    expect(errors).toContain("var/lib/dpkg/status.d/doc-examples: package foo at line 28 has no Version field");
    expect(errors.filter((e) => e.includes("libpam-runtime: package"))).toHaveLength(5);
  });

  it("status without a final newline, after an empty Package stanza", () => {
    const { packages, errors } = scan("image-dpkg");
    expect(errors).toEqual(["var/lib/dpkg/status: stanza at line 1 has no Package field"]);
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject({
      name: "libpam-runtime",
      version: "1.1.8-3.6",
      arch: "all",
      source: { name: "pam", version: "1.1.8-3.6" },
      purl: "pkg:deb/debian/libpam-runtime@1.1.8-3.6?arch=all&distro=debian-12",
    });
  });
});

describe("installed states", () => {
  const { packages, errors } = scan("edge-cases");

  it("keeps installed, held, selected-for-removal and trigger-pending packages", () => {
    expect(errors).toEqual([]);
    expect(packages.map((p) => `${p.name}:${p.arch}`)).toEqual([
      "libc6:amd64",
      "libc6:i386",
      "libssl3:amd64",
      "libzstd1:amd64",
      "openssl:amd64",
      "wget:amd64",
    ]);
    expect(byName(packages, "wget")?.source).toEqual({ name: "wget", version: "1.21.3-1" });
    expect(byName(packages, "libzstd1")?.source).toEqual({ name: "libzstd", version: "1.5.4+dfsg2-5" });
    expect(byName(packages, "libc6", "i386")?.purl).toBe("pkg:deb/debian/libc6@2.36-9+deb12u9?arch=i386&distro=debian-12");
  });
});

describe("status and status.d together", () => {
  it("merges the same package and keeps both locations", () => {
    const { packages } = scan("mixed");
    expect(packages.map((p) => p.name)).toEqual(["base-files", "netbase", "zlib1g"]);
    expect(byName(packages, "zlib1g")?.locations).toEqual([
      { path: "/var/lib/dpkg/status" },
      { path: "/var/lib/dpkg/status.d/zlib1g" },
    ]);
    expect(byName(packages, "netbase")).toMatchObject({ version: "6.4", arch: "all", source: { name: "netbase", version: "6.4" } });
  });

  it("keeps packages whose version differs", () => {
    const a = analyze("var/lib/dpkg/status", "Package: x\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n").packages!;
    const b = analyze("var/lib/dpkg/status.d/x", "Package: x\nVersion: 2\nArchitecture: all\n").packages!;
    const out = dpkgAnalyzer.finalize!([...b, ...a], { os: null, owners: new Map() });
    expect(out.map((p) => p.version)).toEqual(["1", "2"]);
  });
});

describe("format tolerance", () => {
  const text = readFileSync(join(TESTDATA, "bookworm/var/lib/dpkg/status"), "utf8");
  const reference = parseStatus(text, "var/lib/dpkg/status").packages;

  it("CRLF line endings give the same packages", () => {
    expect(parseStatus(text.replace(/\n/g, "\r\n"), "var/lib/dpkg/status").packages).toEqual(reference);
  });

  it("a missing final newline and whitespace-only separator lines give the same packages", () => {
    const odd = text.trimEnd().replace(/\n\n/g, "\n \t\n");
    expect(parseStatus(odd, "var/lib/dpkg/status").packages).toEqual(reference);
  });

  it("continuation lines are joined, repeated fields keep the first", () => {
    const [stanza] = parseStanzas("Package: a\nDescription: one\n two\n .\n three\nPackage: b\n");
    expect(stanza?.fields.get("description")).toBe("one\ntwo\n.\nthree");
    expect(stanza?.fields.get("package")).toBe("a");
  });

  it("Source forms", () => {
    expect(parseSource(undefined, "bash", "5.2-1")).toEqual({ name: "bash", version: "5.2-1" });
    expect(parseSource("glibc", "libc6", "2.36-9")).toEqual({ name: "glibc", version: "2.36-9" });
    expect(parseSource("libcap2 (1:2.66-4)", "libcap2", "1:2.66-4+b2")).toEqual({ name: "libcap2", version: "1:2.66-4" });
    expect(parseSource("x ( 1.0 )", "y", "2")).toEqual({ name: "x", version: "1.0" });
    expect(parseSource("", "y", "2")).toEqual({ name: "y", version: "2" });
  });
});

describe("info lists", () => {
  it("become owners, without /.", () => {
    expect(analyze("var/lib/dpkg/info/zlib1g:amd64.list", "/.\r\n/lib\r\n/lib/libz.so.1\r\n\r\n")).toEqual({
      owners: [{ package: "zlib1g:amd64", files: ["/lib", "/lib/libz.so.1"] }],
    });
    expect(analyze("var/lib/dpkg/info/bash.list", "")).toEqual({ owners: [{ package: "bash", files: [] }] });
  });
});

describe("purls", () => {
  const zlib: Package = { type: "deb", name: "zlib1g", version: "1:1.2.13.dfsg-1", arch: "amd64", purl: "", source: null, licenses: [], locations: [] };

  it("leave the epoch colon unencoded and parse back to the same version", () => {
    const purl = debPurl(zlib, DEBIAN_12);
    expect(purl).toBe("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
    expect(PackageURL.fromString(purl).version).toBe("1:1.2.13.dfsg-1");
    expect(debPurl({ ...zlib, version: "1.5~alpha4~" }, DEBIAN_12)).toContain("@1.5~alpha4~?");
  });

  it("use the OS family as namespace, and omit distro when the OS is unknown", () => {
    expect(debPurl(zlib, { family: "ubuntu", version: "22.04" })).toBe("pkg:deb/ubuntu/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=ubuntu-22.04");
    expect(debPurl(zlib, null)).toBe("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64");
    expect(debPurl({ ...zlib, arch: undefined }, null)).toBe("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1");
  });
});

describe("garbage input", () => {
  const random = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24));
  const bookworm = readFileSync(join(TESTDATA, "bookworm/var/lib/dpkg/status"));
  const cases: [string, Buffer][] = [
    ["empty", Buffer.alloc(0)],
    ["random bytes", random],
    ["NUL bytes", Buffer.alloc(4096, 0)],
    ["one enormous line", Buffer.alloc(16 * 1024 * 1024, "x")],
    ["an enormous field value", Buffer.from(`Package: big\nStatus: install ok installed\nVersion: ${"9".repeat(4 << 20)}\n`)],
    ["truncated mid-stanza", bookworm.subarray(0, Math.floor(bookworm.length / 2))],
    ["only separators", Buffer.from("\n\n\r\n \n\t\n")],
  ];

  for (const [label, content] of cases) {
    it(`${label}: no throw, through analyze and finalize`, () => {
      for (const path of ["var/lib/dpkg/status", "var/lib/dpkg/status.d/x", "var/lib/dpkg/info/x.list"]) {
        const result = analyze(path, content);
        expect(() => dpkgAnalyzer.finalize!(result.packages ?? [], { os: DEBIAN_12, owners: new Map() })).not.toThrow();
      }
    });
  }

  it("caps error messages", () => {
    const junk = Array.from({ length: 500 }, (_, i) => `junk line ${i}`).join("\n\n");
    const { errors, packages } = analyze("var/lib/dpkg/status", junk);
    expect(packages).toEqual([]);
    expect(errors).toHaveLength(21);
    expect(errors?.at(-1)).toBe("var/lib/dpkg/status: 480 more problems not listed");
  });

  it("a truncated file still yields the complete stanzas before the cut", () => {
    const cut = bookworm.subarray(0, bookworm.indexOf("Package: libc6"));
    const names = analyze("var/lib/dpkg/status", cut).packages?.map((p) => p.name);
    expect(names).toEqual(["base-files", "bash", "bsdutils", "gcc-12-base"]);
  });
});
