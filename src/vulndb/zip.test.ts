import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeZip } from "../../test/vulndb/zip-writer.js";
import { forEachJsonEntry, type ZipLimits } from "./zip.js";

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "bw-zip-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string, limits?: ZipLimits): Promise<{ entries: string[]; skipped: string[] }> {
  const entries: string[] = [];
  const skipped: string[] = [];
  await forEachJsonEntry(path, { entry: (n, d) => void entries.push(`${n}=${d.length}`), skipped: (n, why) => void skipped.push(`${n}: ${why}`) }, limits);
  return { entries, skipped };
}

describe("forEachJsonEntry", () => {
  it("yields JSON entries of stored and deflated archives", async () => {
    for (const deflate of [false, true]) {
      const p = join(dir, `a${deflate}.zip`);
      writeZip(p, [["x/1.json", "{}"], ["x/", ""], ["2.JSON", "[1,2]"], ["3.txt", "no"]], deflate);
      expect(await collect(p)).toEqual({ entries: ["x/1.json=2", "2.JSON=5"], skipped: [] });
    }
  });

  it("skips entries over the size limit and stops an archive over the total limit", async () => {
    const p = join(dir, "big.zip");
    // 1 MiB of zeros deflates to ~1 KiB: a small zip bomb.
    writeZip(p, [["small.json", "{}"], ["bomb.json", Buffer.alloc(2 ** 20)]], true);
    expect(await collect(p, { maxEntryBytes: 1000, maxTotalBytes: 1e9, maxEntries: 10 })).toEqual({
      entries: ["small.json=2"],
      skipped: ["bomb.json: 1048576 bytes is over the 1000-byte entry limit"],
    });
    await expect(collect(p, { maxEntryBytes: 2 ** 21, maxTotalBytes: 2 ** 19, maxEntries: 10 })).rejects.toMatchObject({ code: "LIMIT" });
    await expect(collect(p, { maxEntryBytes: 2 ** 21, maxTotalBytes: 2 ** 30, maxEntries: 1 })).rejects.toMatchObject({ code: "LIMIT" });
  });

  it("turns truncated and corrupt archives into UserError INPUT", async () => {
    const p = join(dir, "ok.zip");
    writeZip(p, [["a.json", JSON.stringify({ text: "hello ".repeat(5000) })]], true);
    const whole = readFileSync(p);
    writeFileSync(join(dir, "cut.zip"), whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(collect(join(dir, "cut.zip"))).rejects.toMatchObject({ name: "UserError", code: "INPUT" });
    const bad = Buffer.from(whole);
    for (let i = 40; i < 80; i++) bad[i] = 0xff; // inside the deflate stream
    writeFileSync(join(dir, "bad.zip"), bad);
    await expect(collect(join(dir, "bad.zip"))).rejects.toMatchObject({ name: "UserError", code: "INPUT" });
    writeFileSync(join(dir, "empty.zip"), "");
    await expect(collect(join(dir, "empty.zip"))).rejects.toMatchObject({ code: "INPUT" });
  });

  it("catches entries whose data does not match the central directory", async () => {
    const p = join(dir, "lie.zip");
    writeZip(p, [["a.json", Buffer.alloc(2 ** 20)]], true);
    const lie = readFileSync(p);
    const cd = lie.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lie.writeUInt32LE(100, cd + 24); // claims 100 bytes; the deflate stream holds 1 MiB
    writeFileSync(p, lie);
    await expect(collect(p)).rejects.toMatchObject({ code: "INPUT" });

    const q = join(dir, "crc.zip");
    writeZip(q, [["a.json", '{"id":"X"}']]);
    const flipped = readFileSync(q);
    const at = 30 + "a.json".length + 2; // one bit of the stored data
    flipped[at] = flipped[at]! ^ 1;
    writeFileSync(q, flipped);
    await expect(collect(q)).rejects.toMatchObject({ code: "INPUT", message: expect.stringMatching(/CRC/) });
  });
});
