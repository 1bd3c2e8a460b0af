import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildElf } from "../../shared/test-support/elf.js";
import type { Package } from "../../types.js";
import { rustAnalyzer, wanted } from "./index.js";

const binary = fileURLToPath(new URL("./testdata/auditable/usr/local/bin/hello_world", import.meta.url));
const deps = readFileSync(new URL("./testdata/deps.json", import.meta.url));
const run = async (content: Buffer) => rustAnalyzer.analyze({ path: "usr/local/bin/x", content, mode: 0o755 });
const withSection = (data: Buffer) => buildElf({ sections: [{ name: ".text", data: Buffer.alloc(64) }, { name: ".dep-v0", data }] });
const finalize = (pkgs: Package[]) => rustAnalyzer.finalize!(pkgs, { os: null, owners: new Map() });

describe("rust (cargo-auditable) analyzer", () => {
  it("wants executables only", () => {
    expect(wanted("usr/local/bin/hello_world", { mode: 0o755, size: 9000 })).toBe(true);
    expect(wanted("usr/local/bin/hello_world", { mode: 0o644, size: 9000 })).toBe(false);
    expect(wanted("usr/local/bin/hello_world")).toBe(false);
  });

  it("reads .dep-v0 from a real ELF made with objcopy", async () => {
    const r = (await rustAnalyzer.analyze({ path: "usr/local/bin/hello_world", content: Buffer.alloc(0), mode: 0o755, localPath: binary }))!;
    const pkgs = finalize(r.packages!);
    expect(pkgs.map((p) => p.purl)).toEqual([
      "pkg:cargo/argh@0.1.12",
      "pkg:cargo/argh_derive@0.1.12",
      "pkg:cargo/argh_shared@0.1.12",
      "pkg:cargo/hello_world@0.1.0",
      "pkg:cargo/proc-macro2@1.0.92",
      "pkg:cargo/quote@1.0.37",
      "pkg:cargo/serde@1.0.215",
      "pkg:cargo/syn@2.0.90",
      "pkg:cargo/unicode-ident@1.0.14",
    ]);
    expect(pkgs[3]).toMatchObject({ type: "cargo", name: "hello_world", version: "0.1.0", metadata: { source: "local", root: "true" }, locations: [{ path: "/usr/local/bin/hello_world" }] });
    expect(pkgs[1]!.metadata).toEqual({ source: "crates.io", kind: "build" });
    expect(pkgs[0]!.metadata).toEqual({ source: "crates.io" });
    expect(r.errors).toBeUndefined();
  });

  it("returns null for binaries without the section and for non-ELF files", async () => {
    expect(await run(buildElf({ sections: [{ name: ".text", data: Buffer.alloc(64) }] }))).toBeNull();
    expect(await run(Buffer.from("MZ not elf"))).toBeNull();
    expect(await rustAnalyzer.analyze({ path: "usr/bin/node", content: Buffer.alloc(0), mode: 0o755, localPath: process.execPath })).toBeNull();
  });

  it("reports corrupt, bomb-like and malformed data as errors", async () => {
    expect((await run(withSection(Buffer.from("not zlib"))))!.errors![0]).toMatch(/cannot decompress/);
    const bomb = deflateSync(Buffer.alloc(33 * 2 ** 20, 0x20));
    expect((await run(withSection(bomb)))!.errors![0]).toMatch(/cannot decompress/);
    expect((await run(withSection(deflateSync("{\"packages\": 3}"))))!.errors![0]).toMatch(/no packages list/);
    expect((await run(withSection(deflateSync("[[[["))))!.errors![0]).toMatch(/JSON/);
    const partial = (await run(withSection(deflateSync(JSON.stringify({ packages: [{ name: "a", version: "1.0.0", source: "crates.io" }, { name: 1 }, null] })))))!;
    expect(partial.packages!.map((p) => p.name)).toEqual(["a"]);
    expect(partial.errors![0]).toMatch(/2 package entries without name\/version skipped/);
    // Sanity: the fixture JSON round-trips through a generated ELF too.
    expect((await run(withSection(deflateSync(deps))))!.packages).toHaveLength(9);
  });
});
