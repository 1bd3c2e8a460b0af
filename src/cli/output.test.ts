import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { isUserError } from "../index.js";
import { writeOutput } from "./output.js";

const work = mkdtempSync(join(tmpdir(), "bw-output-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A few MB, then the writer fails: a write is in flight when it does. */
function* failingWriter(): Generator<string> {
  for (let i = 0; i < 4; i++) yield "x".repeat(1 << 20);
  throw new TypeError("writer bug");
}

const systemError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`write ${code}`), { code, syscall: "write" });

/** Makes every stdout write fail with `code`, as a closed pipe or a full disk does. */
function failStdout(code: string): void {
  vi.spyOn(process.stdout, "write").mockImplementation(((_: unknown, cb?: (err?: Error | null) => void) => {
    process.nextTick(() => cb?.(systemError(code)));
    return false;
  }) as typeof process.stdout.write);
}

describe("writeOutput", () => {
  it("writes into a named pipe in place: the pipe stays a pipe (as /dev/null must)", async () => {
    const fifo = join(work, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // A reader on the other end, collecting what arrives.
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d: Buffer) => (got += d.toString()));
    const closed = new Promise((r) => reader.on("close", r));
    // Were the pipe replaced by a file, the reader would wait for ever.
    const timer = setTimeout(() => reader.kill(), 5000);
    await writeOutput(["a", "b"], fifo);
    await closed;
    clearTimeout(timer);
    expect(got).toBe("ab\n");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(work).filter((f) => f.includes(".tmp"))).toEqual([]);
  }, 15_000);

  it("writes pieces to a file and ends it with a newline", async () => {
    const file = join(work, "pieces.json");
    await writeOutput(["{", '"a": 1', "}"], file);
    expect(readFileSync(file, "utf8")).toBe('{"a": 1}\n');
    await writeOutput("text\n", file);
    expect(readFileSync(file, "utf8")).toBe("text\n");
  });

  it("passes a writer's own error on and leaves neither the file nor a temp file", async () => {
    const dir = mkdtempSync(join(work, "fail-"));
    const error = await writeOutput(failingWriter(), join(dir, "report.json")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("writer bug");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("removes the temp file and exits 130 on Ctrl-C during a write", async () => {
    const dir = mkdtempSync(join(work, "sigint-"));
    const listeners = process.listenerCount("SIGINT");
    const exit = vi.spyOn(process, "exit").mockImplementation((() => {
      throw new Error("exit");
    }) as typeof process.exit);
    function* interrupted(): Generator<string> {
      for (let i = 0; i < 3; i++) yield "x".repeat(1 << 20);
      expect(readdirSync(dir).length).toBe(1); // the temp file, part-written
      process.emit("SIGINT", "SIGINT");
      yield "never";
    }
    await writeOutput(interrupted(), join(dir, "report.json")).catch(() => {});
    expect(exit).toHaveBeenCalledWith(130);
    expect(readdirSync(dir)).toEqual([]);
    // The handlers are gone once the write is over: Ctrl-C is Node's own again.
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });

  it("reports a file that cannot be written as a user error", async () => {
    const error = await writeOutput("x", join(work, "missing", "report.json")).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toContain("cannot write output (ENOENT)");
  });

  it("stops quietly when the reader of stdout goes away", async () => {
    failStdout("EPIPE");
    await expect(writeOutput(["a", "b"], undefined)).resolves.toBeUndefined();
  });

  it("reports other stdout failures as a user error", async () => {
    failStdout("ENOSPC");
    const error = await writeOutput("x", "-").catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe("cannot write output to stdout (ENOSPC)");
  });
});
