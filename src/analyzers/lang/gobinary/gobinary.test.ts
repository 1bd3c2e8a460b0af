import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../../../../test/support/tools.js";
import { buildElf, firstSectionOffset } from "../../shared/test-support/elf.js";
import type { Package } from "../../types.js";
import { MAGIC } from "./buildinfo.js";
import { gobinaryAnalyzer, wanted } from "./index.js";
import { parseModInfo, toolchainSemver } from "./modinfo.js";

const START = Buffer.from("3077af0c9274080241e1c107e6d618e6", "hex");
const END = Buffer.from("f932433186182072008242104116d8f2", "hex");
const MODINFO = readFileSync(new URL("./testdata/modinfo.txt", import.meta.url), "utf8");
const wrapped = (text: string): Buffer => Buffer.concat([START, Buffer.from(text), END]);

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function header(ptrSize: number, flags: number): Buffer {
  const h = Buffer.alloc(32);
  MAGIC.copy(h);
  h[14] = ptrSize;
  h[15] = flags;
  return h;
}

/** Go ≥ 1.18 layout: varint-prefixed strings right after the header. */
function inlineBlob(goVersion: string, modinfo: string): Buffer {
  const v = Buffer.from(goVersion);
  const m = wrapped(modinfo);
  return Buffer.concat([header(8, 2), uvarint(v.length), v, uvarint(m.length), m]);
}

/** Go < 1.18 layout: two pointers to Go string headers, all inside the section at `addr`. */
function pointerBlob(goVersion: string, modinfo: string, addr: number, ptr: 4 | 8, little: boolean): Buffer {
  const v = Buffer.from(goVersion);
  const m = wrapped(modinfo);
  const hdrs = 32; // two string headers follow the 32-byte header
  const vData = 32 + 4 * ptr;
  const mData = vData + v.length;
  const b = Buffer.concat([header(ptr, little ? 0 : 1), Buffer.alloc(4 * ptr), v, m]);
  const put = (val: number, at: number): void => {
    if (ptr === 8) void (little ? b.writeBigUInt64LE(BigInt(val), at) : b.writeBigUInt64BE(BigInt(val), at));
    else void (little ? b.writeUInt32LE(val, at) : b.writeUInt32BE(val, at));
  };
  put(addr + hdrs, 16);
  put(addr + hdrs + 2 * ptr, 16 + ptr);
  put(addr + vData, hdrs);
  put(v.length, hdrs + ptr);
  put(addr + mData, hdrs + 2 * ptr);
  put(m.length, hdrs + 3 * ptr);
  return b;
}

const run = async (content: Buffer, path = "usr/local/bin/app") => gobinaryAnalyzer.analyze({ path, content, mode: 0o755 });
const finalize = (pkgs: Package[]) => gobinaryAnalyzer.finalize!(pkgs, { os: null, owners: new Map() });
const summary = (pkgs: Package[]) => pkgs.map((p) => `${p.name} ${p.version} ${p.purl}`);

const EXPECTED = [
  "example.com/app (devel) pkg:golang/example.com/app",
  "example.com/lib (devel) pkg:golang/example.com/lib",
  "github.com/google/uuid v1.6.0 pkg:golang/github.com/google/uuid@v1.6.0",
  "github.com/gorilla/mux v1.8.1 pkg:golang/github.com/gorilla/mux@v1.8.1",
  "golang.org/x/net v0.25.0 pkg:golang/golang.org/x/net@v0.25.0",
  "stdlib v1.22.3 pkg:golang/stdlib@v1.22.3",
];

describe("go binary analyzer", () => {
  it("wants executables of a plausible size only", () => {
    expect(wanted("usr/local/bin/app", { mode: 0o100755, size: 5e6 })).toBe(true);
    expect(wanted("app/node_modules/esbuild/bin/esbuild", { mode: 0o755, size: 9e6 })).toBe(true);
    expect(wanted("usr/local/bin/app", { mode: 0o644, size: 5e6 })).toBe(false);
    expect(wanted("usr/local/bin/app", { mode: 0o755, size: 100 })).toBe(false);
    expect(wanted("usr/local/bin/app", { mode: 0o755, size: 2 ** 30 })).toBe(false);
    expect(wanted("usr/local/bin/run.sh", { mode: 0o755, size: 5e6 })).toBe(false);
    expect(wanted("usr/local/bin/app")).toBe(false);
  });

  it("decodes the Go ≥ 1.18 inline layout from .go.buildinfo", async () => {
    const elf = buildElf({ sections: [{ name: ".text", data: Buffer.alloc(100, 0xcc) }, { name: ".go.buildinfo", data: inlineBlob("go1.22.3", MODINFO) }] });
    const r = (await run(elf))!;
    const pkgs = finalize(r.packages!);
    expect(summary(pkgs)).toEqual(EXPECTED);
    const app = pkgs.find((p) => p.name === "example.com/app")!;
    expect(app.metadata).toMatchObject({ mainModule: "true", devel: "true", goVersion: "go1.22.3", "build:GOOS": "linux", "build:vcs.revision": "0123abcd", "build:-ldflags": "-s -w -X main.v=1" });
    expect(pkgs.find((p) => p.name === "example.com/lib")!.metadata).toEqual({ replacedBy: "../lib", requiredVersion: "v1.2.3" });
    expect(pkgs.find((p) => p.name === "github.com/gorilla/mux")!.metadata).toEqual({ replaces: "github.com/old/mux@v1.0.0" });
    expect(pkgs.find((p) => p.name === "stdlib")!.metadata).toEqual({ goVersion: "go1.22.3" });
    expect(pkgs[0]!.locations).toEqual([{ path: "/usr/local/bin/app" }]);
  });

  it("finds the blob without section headers, at the start of the writable segment", async () => {
    const elf = buildElf({ stripSectionHeaders: true, sections: [{ name: ".go.buildinfo", data: inlineBlob("go1.22.3", MODINFO) }] });
    expect(summary(finalize((await run(elf))!.packages!))).toEqual(EXPECTED);
  });

  it.each([
    [8, true, true],
    [8, false, true],
    [4, true, false],
    [4, false, false],
  ] as const)("decodes the pre-1.18 pointer layout (pointer size %i, little-endian %s)", async (ptr, little, is64) => {
    const base = 0x10000;
    const addr = base + firstSectionOffset(is64);
    const elf = buildElf({ is64, littleEndian: little, base, sections: [{ name: ".go.buildinfo", data: pointerBlob("go1.16.15", MODINFO, addr, ptr, little) }] });
    const pkgs = finalize((await run(elf))!.packages!);
    expect(pkgs.find((p) => p.name === "stdlib")!.version).toBe("v1.16.15");
    expect(pkgs).toHaveLength(EXPECTED.length);
  });

  it("scans Mach-O and PE files for the inline layout", async () => {
    const pe = Buffer.alloc(8192);
    pe.write("MZ", 0, "latin1");
    inlineBlob("go1.22.3", MODINFO).copy(pe, 4096);
    expect(summary(finalize((await run(pe))!.packages!))).toEqual(EXPECTED);
    const macho = Buffer.alloc(8192);
    macho.writeUInt32LE(0xfeedfacf, 0);
    pointerBlob("go1.16", MODINFO, 0, 8, true).copy(macho, 1024);
    expect((await run(macho))!.errors![0]).toMatch(/pre-1.18 build info not supported/);
  });

  it("returns null quietly for binaries without build info and for non-binaries", async () => {
    expect(await run(buildElf({ sections: [{ name: ".text", data: Buffer.alloc(64) }] }))).toBeNull();
    expect(await run(Buffer.from("#!/bin/sh\necho hi\n".repeat(100)))).toBeNull();
    expect(await run(Buffer.from("\x7fELF\x02\x01garbage"))).toBeNull();
    expect(await run(Buffer.alloc(0))).toBeNull();
  });

  it("reports damaged build info as an error instead of throwing", async () => {
    const blob = inlineBlob("go1.22.3", MODINFO);
    const truncated = buildElf({ sections: [{ name: ".go.buildinfo", data: blob.subarray(0, 60) }] });
    const cut = truncated.subarray(0, firstSectionOffset(true) + 60);
    expect((await run(cut))!.errors![0]).toMatch(/Go build info: .*truncated/);
    const huge = Buffer.concat([header(8, 2), uvarint(2 ** 40)]);
    expect((await run(buildElf({ sections: [{ name: ".go.buildinfo", data: huge }] })))!.errors![0]).toMatch(/too long/);
    const wild = Buffer.alloc(32);
    header(8, 0).copy(wild);
    wild.writeBigUInt64LE(0xdeadbeefn, 16);
    expect((await run(buildElf({ sections: [{ name: ".go.buildinfo", data: wild }] })))!.errors![0]).toMatch(/outside the file/);
  });

  it("parses quoted build settings and converts toolchain versions", () => {
    const m = parseModInfo('path\tx\nbuild\t"-tags weird"="a\\tb"\nbuild\tDefaultGODEBUG=panicnil=1\n');
    expect(m.settings).toEqual([
      ["-tags weird", "a\tb"],
      ["DefaultGODEBUG", "panicnil=1"],
    ]);
    expect(toolchainSemver("go1.22.3")).toBe("v1.22.3");
    expect(toolchainSemver("go1.21rc2")).toBe("v1.21.0-rc.2");
    expect(toolchainSemver("go1.20")).toBe("v1.20.0");
    expect(toolchainSemver("go1.19.8 X:boringcrypto")).toBe("v1.19.8");
    expect(toolchainSemver("devel go1.23-abc")).toBe("devel");
  });
});

// Ground truth: a binary built by the real toolchain, compared with `go version -m`.
describe.skipIf(missingTool("Go toolchain ground truth", "go", { go: ["version"] }) !== undefined)("go binary analyzer against the Go toolchain", () => {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-gobin-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("matches `go version -m` for a module with local replacements", { timeout: 120_000 }, async () => {
    const w = (p: string, s: string): void => {
      mkdirSync(join(dir, p, ".."), { recursive: true });
      writeFileSync(join(dir, p), s);
    };
    w("lib/go.mod", "module example.com/lib\n\ngo 1.18\n");
    w("lib/lib.go", "package lib\n\nfunc Hello() string { return \"hi\" }\n");
    w("app/go.mod", "module example.com/app\n\ngo 1.18\n\nrequire example.com/lib v1.2.3\n\nreplace example.com/lib v1.2.3 => ../lib\n");
    w("app/main.go", 'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Hello()) }\n');
    const env: NodeJS.ProcessEnv = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOPROXY: "off", GOTOOLCHAIN: "local", GOWORK: "off", GOPATH: join(dir, "gopath") };
    // Without HOME (some CI sandboxes) go has no default build cache.
    if (!env.GOCACHE && !env.HOME && !env.XDG_CACHE_HOME) env.GOCACHE = join(dir, "gocache");
    const out = join(dir, "app.bin");
    execFileSync("go", ["build", "-o", out, "."], { cwd: join(dir, "app"), env, stdio: "pipe" });
    const truth = execFileSync("go", ["version", "-m", out], { env, encoding: "utf8" });
    const goVersion = /: (go\S+)/.exec(truth)![1]!;

    const r = (await gobinaryAnalyzer.analyze({ path: "app.bin", content: Buffer.alloc(0), mode: 0o755, localPath: out }))!;
    const pkgs = finalize(r.packages!);
    expect(summary(pkgs)).toEqual([
      "example.com/app (devel) pkg:golang/example.com/app",
      "example.com/lib (devel) pkg:golang/example.com/lib",
      `stdlib ${toolchainSemver(goVersion)} pkg:golang/stdlib@${toolchainSemver(goVersion)}`,
    ]);
    expect(truth).toMatch(/\tdep\texample.com\/lib\tv1.2.3\s*\n\t=>\t..\/lib\t\(devel\)/);
    const app = pkgs[0]!.metadata!;
    for (const m of truth.matchAll(/^\tbuild\t([^=\s]+)=(.*)$/gm)) expect(app[`build:${m[1]}`]).toBe(m[2]);
  });
});
