import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { PackageURL } from "packageurl-js";
import { describe, expect, it } from "vitest";
import type { OSInfo, Package } from "../../../model/index.js";
import type { FileAnalysis } from "../../types.js";
import { apkAnalyzer } from "./index.js";
import { apkPurl } from "./finalize.js";

const TESTDATA = join(import.meta.dirname, "testdata");
const ALPINE: OSInfo = { family: "alpine", version: "3.20.3" };
const DB = "lib/apk/db/installed";

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function analyze(path: string, content: Buffer | string): FileAnalysis {
  const result = apkAnalyzer.analyze({ path, content: Buffer.from(content), mode: 0o644 });
  if (result === null || result instanceof Promise) throw new Error(`unexpected result for ${path}`);
  return result;
}

/** What the core does: every wanted file of a root filesystem through analyze, then finalize. */
function scan(name: string, os: OSInfo | null = ALPINE) {
  const root = join(TESTDATA, name);
  const packages: Package[] = [];
  const errors: string[] = [];
  for (const abs of walk(root)) {
    const path = relative(root, abs);
    if (!apkAnalyzer.required(path)) continue;
    const result = analyze(path, readFileSync(abs));
    packages.push(...(result.packages ?? []));
    errors.push(...(result.errors ?? []));
  }
  return { packages: apkAnalyzer.finalize!(packages, { os, owners: new Map() }), errors };
}

const byName = (pkgs: Package[], name: string) => pkgs.find((p) => p.name === name);

describe("apkAnalyzer.required", () => {
  it("wants both installed-db locations only", () => {
    expect(apkAnalyzer.required("lib/apk/db/installed")).toBe(true);
    expect(apkAnalyzer.required("usr/lib/apk/db/installed")).toBe(true);
    for (const p of ["/lib/apk/db/installed", "lib/apk/db/installed.old", "lib/apk/db/scripts.tar", "etc/apk/world"]) {
      expect(apkAnalyzer.required(p)).toBe(false);
    }
    expect(apkAnalyzer.id).toBe("os/apk");
  });
});

describe("Syft fixtures", () => {
  it("multiple-1: four packages with origins, licenses and files", () => {
    const { packages, errors } = scan("multiple-1");
    expect(errors).toEqual([]);
    expect(packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      "bash 5.2.21-r0",
      "busybox-binsh 1.36.1-r15",
      "musl 1.2.4_git20230717-r4",
      "readline 8.2.1-r2",
    ]);
    expect(byName(packages, "busybox-binsh")).toEqual({
      type: "apk",
      name: "busybox-binsh",
      version: "1.36.1-r15",
      arch: "x86_64",
      purl: "pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.20.3",
      source: { name: "busybox", version: "1.36.1-r15" },
      licenses: ["GPL-2.0-only"],
      locations: [{ path: "/lib/apk/db/installed" }],
      files: ["/bin/sh"],
      metadata: {
        maintainer: "Sören Tempel <soeren+alpine@soeren-tempel.net>",
        installedSize: "8192",
        commit: "d1b6f274f29076967826e0ecf6ebcaa5d360272f",
      },
    });
    expect(byName(packages, "bash")?.files).toBeUndefined();
    expect(byName(packages, "musl")?.files).toEqual(["/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"]);
    // The last record has no trailing blank line.
    expect(byName(packages, "readline")?.files).toEqual(["/etc/inputrc", "/usr/lib/libreadline.so.8"]);
  });

  it("multiple-2: fourteen packages, SPDX and free-form licenses kept whole", () => {
    const { packages, errors } = scan("multiple-2");
    expect(errors).toEqual([]);
    expect(packages).toHaveLength(14);
    expect(packages.map((p) => p.name)).toEqual([
      "alpine-baselayout",
      "alpine-baselayout-data",
      "alpine-keys",
      "apk-tools",
      "busybox",
      "ca-certificates-bundle",
      "libc-utils",
      "libcrypto1.1",
      "libssl1.1",
      "musl",
      "musl-utils",
      "scanelf",
      "ssl_client",
      "zlib",
    ]);
    expect(byName(packages, "ca-certificates-bundle")).toMatchObject({ licenses: ["MPL-2.0 AND MIT"], source: { name: "ca-certificates", version: "20220614-r0" } });
    expect(byName(packages, "musl-utils")).toMatchObject({ licenses: ["MIT BSD GPL2+"], source: { name: "musl", version: "1.2.3-r0" } });
    expect(byName(packages, "libssl1.1")).toMatchObject({ version: "1.1.1q-r0", source: { name: "openssl", version: "1.1.1q-r0" } });
    expect(byName(packages, "ssl_client")?.purl).toBe("pkg:apk/alpine/ssl_client@1.35.0-r17?arch=x86_64&distro=alpine-3.20.3");
    expect(byName(packages, "busybox")?.files).toContain("/usr/share/udhcpc/default.script");
    expect(byName(packages, "alpine-baselayout-data")?.files?.slice(0, 3)).toEqual(["/etc/fstab", "/etc/group", "/etc/hostname"]);
  });

  it("base: files joined with their F: directory, directories themselves not listed", () => {
    const { packages } = scan("base");
    const files = byName(packages, "alpine-baselayout")?.files ?? [];
    expect(files).toHaveLength(27); // one per R: line
    expect(files).toContain("/etc/modprobe.d/blacklist.conf");
    expect(files).toContain("/lib/sysctl.d/00-alpine.conf");
    expect(files).toContain("/var/spool/cron/crontabs");
    expect(files).not.toContain("/dev");
    expect(byName(packages, "alpine-baselayout")?.metadata?.installedSize).toBe("409600");
  });

  it("corrupt: the junk record is reported, the good one kept", () => {
    const { packages, errors } = scan("corrupt");
    expect(packages.map((p) => `${p.name} ${p.version}`)).toEqual(["alpine-baselayout-data 3.2.0-r22"]);
    expect(byName(packages, "alpine-baselayout-data")).toMatchObject({ licenses: [], source: { name: "alpine-baselayout", version: "3.2.0-r22" } });
    expect(errors).toEqual(["lib/apk/db/installed: record at line 1 has no P: (name) line"]);
  });

  it("glob-paths: a bogus database yields nothing, without throwing", () => {
    expect(scan("glob-paths")).toEqual({ packages: [], errors: ["lib/apk/db/installed: record at line 1 has no P: (name) line"] });
  });

  it("single, extra-file-attributes, empty-deps-and-provides", () => {
    expect(scan("single").packages[0]).toMatchObject({
      name: "musl-utils",
      version: "1.1.24-r2",
      source: { name: "musl", version: "1.1.24-r2" },
      files: ["/sbin/ldconfig", "/usr/bin/iconv", "/usr/bin/ldd", "/usr/bin/getconf", "/usr/bin/getent"],
    });
    expect(scan("extra-file-attributes").packages[0]).toMatchObject({
      name: "openjdk8-jre",
      version: "8.212.04-r0",
      licenses: ["custom"],
      files: ["/usr/lib/jvm/java-1.8-openjdk/bin/policytool"],
    });
    expect(scan("empty-deps-and-provides").packages[0]).toMatchObject({ name: "alpine-baselayout-data", version: "3.4.0-r0" });
  });
});

describe("finalize", () => {
  const db = readFileSync(join(TESTDATA, "multiple-1", DB));

  it("merges the same packages from both database locations", () => {
    const a = analyze(DB, db).packages!;
    const b = analyze(`usr/${DB}`, db).packages!;
    const out = apkAnalyzer.finalize!([...b, ...a], { os: ALPINE, owners: new Map() });
    expect(out).toHaveLength(4);
    expect(byName(out, "bash")?.locations).toEqual([{ path: "/usr/lib/apk/db/installed" }, { path: "/lib/apk/db/installed" }]);
  });

  it("uses the OS family as purl namespace (wolfi, chainguard)", () => {
    const out = apkAnalyzer.finalize!(analyze(DB, db).packages!, { os: { family: "wolfi", version: "20230201" }, owners: new Map() });
    expect(byName(out, "musl")?.purl).toBe("pkg:apk/wolfi/musl@1.2.4_git20230717-r4?arch=x86_64&distro=wolfi-20230201");
    const cg = apkAnalyzer.finalize!(analyze(DB, db).packages!, { os: { family: "chainguard", version: "20230214" }, owners: new Map() });
    expect(byName(cg, "bash")?.purl).toBe("pkg:apk/chainguard/bash@5.2.21-r0?arch=x86_64&distro=chainguard-20230214");
  });

  it("without an OS: alpine namespace, no distro", () => {
    const pkg = analyze(DB, db).packages![0]!;
    expect(apkPurl(pkg, null)).toBe("pkg:apk/alpine/bash@5.2.21-r0?arch=x86_64");
    expect(PackageURL.fromString(apkPurl(pkg, ALPINE)).qualifiers).toEqual({ arch: "x86_64", distro: "alpine-3.20.3" });
  });
});

describe("garbage input", () => {
  const multiple2 = readFileSync(join(TESTDATA, "multiple-2", DB));
  const cases: [string, Buffer][] = [
    ["empty", Buffer.alloc(0)],
    ["random bytes", Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24))],
    ["NUL bytes", Buffer.alloc(4096, 0)],
    ["one enormous line", Buffer.alloc(16 * 1024 * 1024, "P")],
    ["an enormous value", Buffer.from(`P:big\nV:${"1".repeat(4 << 20)}\n`)],
    ["truncated", multiple2.subarray(0, 5000)],
  ];
  for (const [label, content] of cases) {
    it(`${label}: no throw, through analyze and finalize`, () => {
      const result = analyze(DB, content);
      expect(() => apkAnalyzer.finalize!(result.packages ?? [], { os: ALPINE, owners: new Map() })).not.toThrow();
    });
  }

  it("a truncated database keeps the records before the cut", () => {
    const names = analyze(DB, multiple2.subarray(0, multiple2.indexOf("P:alpine-keys"))).packages?.map((p) => p.name);
    expect(names).toEqual(["alpine-baselayout-data", "musl", "busybox", "alpine-baselayout"]);
  });

  it("CRLF gives the same packages", () => {
    const text = multiple2.toString("utf8");
    expect(analyze(DB, text.replace(/\n/g, "\r\n")).packages).toEqual(analyze(DB, text).packages);
  });

  it("caps error messages", () => {
    const junk = Array.from({ length: 100 }, (_, i) => `V:${i}`).join("\n\n");
    const { errors } = analyze(DB, junk);
    expect(errors).toHaveLength(21);
    expect(errors?.at(-1)).toBe("lib/apk/db/installed: 80 more problems not listed");
  });

  it("a record without V: is reported", () => {
    expect(analyze(DB, "P:nover\nA:x86_64\n").errors).toEqual(["lib/apk/db/installed: package nover at line 1 has no V: (version) line"]);
  });
});
