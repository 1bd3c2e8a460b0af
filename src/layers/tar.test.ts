import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it, onTestFinished } from "vitest";
import { buildTar } from "../../test/support/image-builder.js";
import { missingTool } from "../../test/support/tools.js";
import { readTar, tarEndNote, type TarEntry, type TarReadStatus } from "./tar.js";

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(buf: Buffer, chunk = 7919, status?: TarReadStatus): Promise<{ path: string; type: string; body?: string; linkname: string }[]> {
  const out = [];
  for await (const e of readTar(chunked(buf, chunk), status)) {
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

describe("readTar at the end of the stream", () => {
  // Entries with bodies of 1000 bytes (two blocks, the second padded), 512 (exactly one) and 0.
  const entries = [
    { path: "etc/", type: "dir" as const },
    { path: "etc/a.txt", content: "a".repeat(1000) },
    { path: "etc/b.txt", content: "b".repeat(512) },
    { path: "etc/empty.txt", content: "" },
  ];
  const names = entries.map((e) => e.path);
  // Offsets in the archive tar-stream writes: header blocks and padded bodies, then 1024 zeros.
  const A_BODY = 1024;
  const B_HEADER = A_BODY + 1024;
  const LAST_END = B_HEADER + 512 + 512 + 512;

  async function read(buf: Buffer, chunk = 7919): Promise<{ paths: string[]; status: TarReadStatus }> {
    const status: TarReadStatus = { entries: 0 };
    const got = await collect(buf, chunk, status);
    return { paths: got.map((e) => e.path), status };
  }

  it("reports a complete archive as ending with the marker, without a note", async () => {
    const tar = await buildTar(entries);
    expect(tar.length).toBe(LAST_END + 1024);
    expect(tar.subarray(LAST_END).equals(Buffer.alloc(1024))).toBe(true);
    const { paths, status } = await read(tar);
    expect(paths).toEqual(names);
    expect(status).toEqual({ entries: 4, end: "marker" });
    expect(tarEndNote(status)).toBeUndefined();
  });

  it("accepts a stream that stops right after the last entry, or after one zero block", async () => {
    const tar = await buildTar(entries);
    for (const chunk of [1, 511, 512, 4096]) {
      const none = await read(tar.subarray(0, LAST_END), chunk);
      expect(none.paths).toEqual(names);
      expect(none.status).toEqual({ entries: 4, end: "no-marker" });
      expect(tarEndNote(none.status)).toBe("tar stream ends without the end-of-archive marker (no zero blocks after the last entry); read 4 entries");
      const one = await read(tar.subarray(0, LAST_END + 512), chunk);
      expect(one.paths).toEqual(names);
      expect(one.status).toEqual({ entries: 4, end: "one-zero-block" });
      expect(tarEndNote(one.status)).toBe("tar stream ends without the end-of-archive marker (one zero block of the two); read 4 entries");
    }
    // Inside the padding of a complete body (umoci 0.4.7 when the last file is not a whole number
    // of blocks): the entries up to that body are all there.
    for (const cut of [A_BODY + 1000, A_BODY + 1001, A_BODY + 1023]) {
      for (const chunk of [1, 512, 7919]) {
        const unpadded = await read(tar.subarray(0, cut), chunk);
        expect(unpadded.paths).toEqual(names.slice(0, 2));
        expect(unpadded.status).toEqual({ entries: 2, end: "unpadded" });
      }
    }
    expect(tarEndNote({ entries: 2, end: "unpadded" })).toBe("tar stream ends without the end-of-archive marker (the last entry's padding and both zero blocks missing); read 2 entries");
    // After an entry with an empty body, and after a directory (a header alone).
    expect((await read(tar.subarray(0, B_HEADER + 512 + 512))).status).toEqual({ entries: 3, end: "no-marker" });
    expect((await read(tar.subarray(0, 512))).status).toEqual({ entries: 1, end: "no-marker" });
    // An empty stream has no entries and no marker.
    expect((await read(Buffer.alloc(0))).status).toEqual({ entries: 0, end: "no-marker" });
  });

  it("still refuses a stream cut inside a header, a body or the end marker", async () => {
    const tar = await buildTar(entries);
    const cuts = {
      "inside the first header": 100,
      "inside a header after complete entries": B_HEADER + 200,
      "inside a body": A_BODY + 300,
      "at a block boundary inside a body": A_BODY + 512,
      "one byte short of a body": A_BODY + 999,
      "inside the second zero block": LAST_END + 512 + 100,
      "inside the first zero block": LAST_END + 10,
    };
    for (const [what, cut] of Object.entries(cuts)) {
      for (const chunk of [1, 512, 7919]) {
        const status: TarReadStatus = { entries: 0 };
        await expect(collect(tar.subarray(0, cut), chunk, status), what).rejects.toThrow(/^truncated tar archive$/);
        expect(status.end, what).toBeUndefined();
      }
    }
  });

  it("refuses a stream that ends after an extended header whose entry is missing", async () => {
    const long = "x".repeat(120) + ".txt";
    const tar = await buildTar([{ path: "a.txt", content: "a" }, { path: long, content: "long" }]);
    // a.txt (header + one block), then the pax header of the long name and its body.
    const paxHeader = tar.subarray(1024, 1536);
    expect(String.fromCharCode(paxHeader[156]!)).toBe("x");
    const paxSize = parseInt(paxHeader.toString("latin1", 124, 136).replace(/\0.*$/, "").trim(), 8);
    const afterPax = 1536 + Math.ceil(paxSize / 512) * 512;
    await expect(collect(tar.subarray(0, afterPax))).rejects.toThrow(/^truncated tar archive$/);
    // With the entry there, the long name applies and the missing marker is only a note.
    const status: TarReadStatus = { entries: 0 };
    expect((await collect(tar.subarray(0, afterPax + 1024), 7919, status)).map((e) => e.path)).toEqual(["a.txt", long]);
    expect(status).toEqual({ entries: 2, end: "no-marker" });
  });

  const noTar = missingTool("tar end-of-archive cross-checks", "tar");
  it.skipIf(noTar !== undefined)("agrees with GNU tar on which streams are readable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bw-tar-end-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const tar = await buildTar(entries);
    const gnu = (bytes: Buffer): { code: number | null; list: string[]; stderr: string } => {
      const f = join(dir, "t.tar");
      writeFileSync(f, bytes);
      const r = spawnSync("tar", ["-tf", f], { encoding: "utf8" });
      return { code: r.status, list: r.stdout.split("\n").filter(Boolean), stderr: r.stderr };
    };
    // Accepted by both, with the same entries; GNU tar warns about the lone zero block only.
    for (const cut of [LAST_END, LAST_END + 512, LAST_END + 1024]) {
      const g = gnu(tar.subarray(0, cut));
      expect(g.code, g.stderr).toBe(0);
      expect(g.list).toEqual(names);
      expect((await read(tar.subarray(0, cut))).paths).toEqual(names);
      if (cut === LAST_END + 512) expect(g.stderr).toMatch(/lone zero block/i);
    }
    // Cut inside a body: refused by both. (Cut inside a header, GNU tar 1.34 lists the complete
    // entries and exits 0; cut in the padding of a complete body, it lists them and exits 2 with
    // "Unexpected EOF". Go's archive/tar refuses the first and accepts the second, as we do.)
    for (const cut of [A_BODY + 300, A_BODY + 512, A_BODY + 999]) {
      const g = gnu(tar.subarray(0, cut));
      expect(g.code, `GNU tar on a stream cut at ${cut}`).not.toBe(0);
      await expect(collect(tar.subarray(0, cut))).rejects.toThrow(/truncated/);
    }
    // An archive written by GNU tar itself (padded to its 10 KiB record) ends with the marker.
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "f.txt"), "f");
    execFileSync("tar", ["-C", join(dir, "src"), "-cf", join(dir, "gnu.tar"), "f.txt"]);
    const status: TarReadStatus = { entries: 0 };
    await collect(readFileSync(join(dir, "gnu.tar")), 7919, status);
    expect(status).toEqual({ entries: 1, end: "marker" });
  });
});

// Go's archive/tar is what containerd, Trivy and Syft read layers with: it must accept and refuse
// the same ends of stream as we do. (One cut it accepts and we refuse, by choice: a pax header
// whose entry is missing, which Go drops silently.)
const GO_LISTER = `package main

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
)

func main() {
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			panic(err)
		}
		tr := tar.NewReader(f)
		n := 0
		for {
			_, err := tr.Next()
			if err == nil {
				_, err = io.Copy(io.Discard, tr)
			}
			if err == io.EOF {
				fmt.Printf("ok %d\\n", n)
				break
			}
			if err != nil {
				fmt.Println("error")
				break
			}
			n++
		}
		f.Close()
	}
}
`;
const noGo = missingTool("Go archive/tar end-of-archive cross-check", "go", { go: ["version"] });
describe.skipIf(noGo !== undefined)("readTar against Go's archive/tar", () => {
  it("accepts and refuses the same ends of stream", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "bw-tar-go-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const tar = await buildTar([
      { path: "etc/", type: "dir" },
      { path: "etc/a.txt", content: "a".repeat(1000) },
      { path: "etc/b.txt", content: "b".repeat(512) },
      { path: "etc/empty.txt", content: "" },
    ]);
    const last = 3584;
    const cuts: [string, number][] = [
      ["no marker", last],
      ["one zero block", last + 512],
      ["complete", last + 1024],
      ["inside the padding of a complete body", 2024],
      ["inside a header", 2248],
      ["inside a body", 1324],
      ["block boundary inside a body", 1536],
      ["inside the first zero block", last + 10],
      ["inside the second zero block", last + 612],
    ];
    const files = cuts.map(([, cut], i) => {
      const f = join(dir, `${i}.tar`);
      writeFileSync(f, tar.subarray(0, cut));
      return f;
    });
    writeFileSync(join(dir, "main.go"), GO_LISTER);
    const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: "off", GOTOOLCHAIN: "local", GOFLAGS: "" };
    if (!env.GOCACHE && !env.HOME && !env.XDG_CACHE_HOME) env.GOCACHE = join(dir, "gocache");
    execFileSync("go", ["build", "-o", join(dir, "lister"), join(dir, "main.go")], { env, stdio: "pipe" });
    const goSays = execFileSync(join(dir, "lister"), files, { encoding: "utf8" }).trim().split("\n");
    const weSay: string[] = [];
    for (const f of files) {
      const status: TarReadStatus = { entries: 0 };
      try {
        await collect(readFileSync(f), 7919, status);
        weSay.push(`ok ${status.entries}`);
      } catch (e) {
        expect((e as Error).message).toBe("truncated tar archive");
        weSay.push("error");
      }
    }
    expect(weSay.map((w, i) => `${cuts[i]![0]}: ${w}`)).toEqual(goSays.map((g, i) => `${cuts[i]![0]}: ${g}`));
    expect(weSay.slice(0, 4)).toEqual(["ok 4", "ok 4", "ok 4", "ok 2"]);
  });
});

// Layers written by Debian's umoci 0.4.7, committed as they were made (see the fixture's SOURCE.txt).
describe("readTar on umoci 0.4.7 layers", () => {
  const blobs = new URL("../../test/fixtures/umoci-0.4.7/image/blobs/sha256/", import.meta.url).pathname;
  const layer = (hex: string): Buffer => gunzipSync(readFileSync(join(blobs, hex)));

  it("reads a layer that stops right after its last body (no padding, no zero blocks)", async () => {
    const tar = layer("82982d1f8dbd081ad4f7ba963fa90255798db720352ca96a6caa93a27d6b6fef");
    expect(tar.length).toBe(6617);
    const status: TarReadStatus = { entries: 0 };
    const seen: [string, string, number][] = [];
    let installed: Buffer | undefined;
    for await (const e of readTar(chunked(tar, 4096), status)) {
      seen.push([e.path, e.type, e.size]);
      if (e.path === "lib/apk/db/installed") installed = await e.read();
    }
    expect(seen).toEqual([
      ["/", "dir", 0],
      ["etc/", "dir", 0],
      ["etc/alpine-release", "file", 7],
      ["etc/os-release", "file", 188],
      ["lib/", "dir", 0],
      ["lib/apk/", "dir", 0],
      ["lib/apk/db/", "dir", 0],
      ["lib/apk/db/installed", "file", 1497],
    ]);
    // The last body is whole: it is the file umoci was given.
    expect(installed).toEqual(readFileSync(new URL("../analyzers/os/apk/testdata/multiple-1/lib/apk/db/installed", import.meta.url)));
    expect(status).toEqual({ entries: 8, end: "unpadded" });
    // One byte less and the body is cut: refused.
    await expect(collect(tar.subarray(0, tar.length - 1))).rejects.toThrow(/^truncated tar archive$/);
  });

  it("reads a layer that ends at an entry boundary without zero blocks", async () => {
    const tar = layer("f375df4511ecc801cf67cd96cc00d1d8365c7101f6ef19a4977cf5b0e96ee093");
    expect(tar.length).toBe(4 * 512);
    const status: TarReadStatus = { entries: 0 };
    expect((await collect(tar, 512, status)).map((e) => e.path)).toEqual(["opt/extra/", "opt/extra/notes.txt", "opt/extra/zz/"]);
    expect(status).toEqual({ entries: 3, end: "no-marker" });
  });
});
