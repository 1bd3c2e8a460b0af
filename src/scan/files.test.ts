import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTextFile } from "./files.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readTextFile", () => {
  it("reads a file as UTF-8", () => {
    const p = join(dir, "a.yaml");
    writeFileSync(p, "kind: Pod # é\n");
    expect(readTextFile(p, 100)).toEqual({ text: "kind: Pod # é\n" });
  });

  it("refuses a file past the limit, and reads one exactly at it", () => {
    const p = join(dir, "big");
    writeFileSync(p, "x".repeat(101));
    expect(readTextFile(p, 100)).toEqual({ tooLarge: true });
    writeFileSync(p, "x".repeat(100));
    expect(readTextFile(p, 100)).toEqual({ text: "x".repeat(100) });
  });

  it("reads files that report size 0 (procfs), up to the limit", () => {
    const want = readFileSync("/proc/self/mountinfo", "utf8");
    const got = readTextFile("/proc/self/mountinfo", 10 * 2 ** 20);
    // The reading process's mounts: same as our own read, give or take a changed line.
    expect("text" in got && got.text.split("\n")[0]).toBe(want.split("\n")[0]);
    expect(readTextFile("/proc/self/mountinfo", 10)).toEqual({ tooLarge: true });
  });

  it("returns errors instead of throwing", () => {
    const r = readTextFile(join(dir, "missing"), 100);
    expect("error" in r && r.error.message).toMatch(/ENOENT/);
    const d = readTextFile(dir, 1_000_000);
    expect("error" in d && d.error.message).toMatch(/EISDIR/);
  });
});
