import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { buildTar } from "../../test/support/image-builder.js";
import { missingTool } from "../../test/support/tools.js";
import { readTar, type TarEntry } from "./tar.js";

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(buf: Buffer, chunk = 7919): Promise<{ path: string; type: string; body?: string; linkname: string }[]> {
  const out = [];
  for await (const e of readTar(chunked(buf, chunk))) {
    const item: { path: string; type: string; body?: string; linkname: string } = { path: e.path, type: e.type, linkname: e.linkname };
    if (e.type === "file" && e.path.endsWith(".txt")) item.body = (await e.read()).toString();
    out.push(item);
  }
  return out;
}

describe("readTar", () => {
  it("reads files, dirs, symlinks and hard links written by tar-stream, across odd chunk sizes", async () => {
    const tar = await buildTar([
      { path: "etc/", type: "dir" },
      { path: "etc/a.txt", content: "hello" },
      { path: "etc/big.bin", content: Buffer.alloc(100_000, 1) },
      { path: "etc/b.txt", content: "x".repeat(513) },
      { path: "etc/link", type: "symlink", linkname: "a.txt" },
      { path: "etc/hard", type: "link", linkname: "etc/a.txt" },
    ]);
    for (const chunk of [1, 511, 512, 4096, 1 << 20]) {
      const entries = await collect(tar, chunk);
      expect(entries.map((e) => [e.path, e.type])).toEqual([
        ["etc/", "dir"],
        ["etc/a.txt", "file"],
        ["etc/big.bin", "file"],
        ["etc/b.txt", "file"],
        ["etc/link", "symlink"],
        ["etc/hard", "hardlink"],
      ]);
      expect(entries[1]!.body).toBe("hello");
      expect(entries[3]!.body).toBe("x".repeat(513));
      expect(entries[4]!.linkname).toBe("a.txt");
    }
  });

  it.skipIf(missingTool("GNU tar long-name test", "tar") !== undefined)("reads long names (pax and GNU) as written by GNU tar", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bw-tar-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const long = "d".repeat(120) + "/" + "f".repeat(150) + ".txt";
    mkdirSync(join(dir, "src", "d".repeat(120)), { recursive: true });
    writeFileSync(join(dir, "src", long), "long body");
    symlinkSync("../" + "t".repeat(140), join(dir, "src", "lnk"));
    for (const format of ["gnu", "pax"]) {
      const out = join(dir, `${format}.tar`);
      execFileSync("tar", ["-C", join(dir, "src"), `--format=${format}`, "-cf", out, "."]);
      const entries = await collect(readFileSync(out));
      const file = entries.find((e) => e.path.endsWith(".txt"));
      expect(file?.path).toBe("./" + long);
      expect(file?.body).toBe("long body");
      expect(entries.find((e) => e.path === "./lnk")?.linkname).toBe("../" + "t".repeat(140));
    }
  });

  it("fails cleanly on truncated archives and garbage", async () => {
    const tar = await buildTar([{ path: "a.txt", content: "x".repeat(2000) }]);
    await expect(collect(tar.subarray(0, 1000))).rejects.toThrow(/truncated/);
    await expect(collect(tar.subarray(0, 300))).rejects.toThrow(/truncated/);
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
    await expect(collect(garbage)).rejects.toThrow(/not a tar archive/);
  });

  it("skips bodies that are not read and supports streaming a body", async () => {
    const tar = await buildTar([
      { path: "a.bin", content: Buffer.alloc(70_000, 2) },
      { path: "b.bin", content: Buffer.alloc(1000, 3) },
    ]);
    const seen: number[] = [];
    for await (const e of readTar(chunked(tar, 1000)) as AsyncGenerator<TarEntry>) {
      if (e.path === "b.bin") {
        let n = 0;
        for await (const c of e.stream()) n += c.length;
        seen.push(n);
      }
    }
    expect(seen).toEqual([1000]);
  });
});
