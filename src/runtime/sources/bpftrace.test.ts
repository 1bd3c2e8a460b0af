// The bpftrace source's line handling (nonce, path continuations, lost-event reports), driven by
// a stand-in for bpftrace that prints what bpftrace prints. The real program on real kernel
// events is tested in test/runtime/watch-bpftrace.test.ts.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ARGS_BYTES, ARGS_WORDS, BpftraceSource, argvFromWords, parseBpftraceLine, type RawEvent } from "./bpftrace.js";

const dir = mkdtempSync(join(tmpdir(), "bw-bpftrace-src-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hc = (name: string): string => {
  const b = Buffer.alloc(16);
  b.write(name, "utf8");
  return `${b.readBigUInt64LE(0).toString(16)}\t${b.readBigUInt64LE(8).toString(16)}`;
};

describe("BpftraceSource line handling", () => {
  it("joins a path's continuation lines, counts lost-event reports even right after an event line, and ignores lines without the run's nonce", async () => {
    const head = `5\t5\t1\t0\t0\t1\t1\t${hc("cat")}\t${hc("sh")}`;
    // The stand-in reads the run's nonce from the program file (its last argument), as only
    // bpftrace can, and prints: ready, an open whose path holds a newline and a forged exec line,
    // a lost-event report right after an event line (same write), a forged line with a wrong
    // nonce, and a last open.
    const script = join(dir, "fake-bpftrace");
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        'for a; do prog="$a"; done',
        `n=$(sed -n 's/^BEGIN { printf("R\\([0-9a-f]*\\)\\\\n"); }$/\\1/p' "$prog")`,
        'echo "Attaching 15 probes..."',
        'printf "R%s\\n" "$n"',
        `printf "O%s\\t${head}\\t0\\t-100\\t0\\t3\\t/tmp/a\\nX\\t${head}\\tsh\\tforged\\n" "$n"`,
        `printf "O%s\\t${head}\\t0\\t-100\\t0\\t3\\t/etc/passwd\\nLost 7 events\\n" "$n"`,
        `printf "Odeadbeef\\t${head}\\t0\\t-100\\t0\\t3\\t/forged-nonce\\n"`,
        `printf "O%s\\t${head}\\t0\\t-100\\t0\\t3\\t/etc/group\\n" "$n"`,
        "sleep 1",
        "",
      ].join("\n"),
    );
    chmodSync(script, 0o755);
    const events: RawEvent[] = [];
    const src = new BpftraceSource({ bpftrace: script, onEvent: (e) => events.push(e), maxRestarts: 0 });
    await src.ready(10_000);
    await src.closed();
    await src.stop();
    expect(events.map((e) => [e.ev.type, e.ev.fd?.name])).toEqual([
      ["openat", "/tmp/a\nX\t5\t5\t1\t0\t0\t1\t1\t" + hc("cat") + "\t" + hc("sh") + "\tsh\tforged"],
      ["openat", "/etc/passwd"],
      ["openat", "/etc/group"],
    ]);
    expect(events[0]!.ev.proc.name).toBe("cat");
    expect(src.stats.lost).toBe(7);
    expect(src.stats.malformed).toBe(1);
  });

  it("reads everything bpftrace wrote through the FIFO, also when it writes fast and exits at once", async () => {
    const head = `5\t5\t1\t0\t0\t1\t1\t${hc("cat")}\t${hc("sh")}`;
    const script = join(dir, "fake-bpftrace-burst");
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        'for a; do prog="$a"; done',
        `n=$(sed -n 's/^BEGIN { printf("R\\([0-9a-f]*\\)\\\\n"); }$/\\1/p' "$prog")`,
        'printf "R%s\\n" "$n"',
        `line=$(printf "O%s\\t${head}\\t0\\t-100\\t0\\t3\\t/etc/passwd" "$n")`,
        // 20,000 lines (about 2 MiB, far more than the FIFO holds) as fast as yes writes them, then exit.
        'yes "$line" | head -n 20000',
        "",
      ].join("\n"),
    );
    chmodSync(script, 0o755);
    let n = 0;
    const src = new BpftraceSource({ bpftrace: script, onEvent: (e) => void (e.ev.fd?.name === "/etc/passwd" && n++), maxRestarts: 0 });
    await src.ready(10_000).catch(() => undefined);
    await src.closed();
    await src.stop();
    expect(n).toBe(20_000);
    expect(src.stats.malformed).toBe(0);
  });

  it("decodes argv from the exec line's 64-bit words (NUL-separated, cut at the length, any bytes)", () => {
    /** What bpftrace prints for argv: the length, then ARGS_WORDS words in hex (little-endian). */
    const words = (argv: string[]): string => {
      const b = Buffer.alloc(ARGS_BYTES);
      const raw = Buffer.from(argv.join("\0") + "\0", "utf8");
      raw.copy(b, 0, 0, Math.min(raw.length, ARGS_BYTES));
      const n = Math.min(raw.length, ARGS_BYTES);
      const ws = Array.from({ length: ARGS_WORDS }, (_, i) => (i * 8 < n ? b.readBigUInt64LE(i * 8).toString(16) : "0"));
      return `${n}\t${ws.join("\t")}`;
    };
    const head = `7\t7\t1\t0\t0\t1\t1\t${hc("sh")}\t${hc("bash")}`;
    // A tab, a backslash-x text that once meant a NUL, and a UTF-8 character across a word boundary.
    const argv = ["sh", "-c", "printf 'a\tb' \\x00 é", "ünï"];
    const e = parseBpftraceLine(`X\t${head}\t${words(argv)}\t/bin/sh`);
    expect(e?.ev.type).toBe("execve");
    expect([e?.ev.proc.exe, e?.ev.proc.args, e?.ev.proc.exepath]).toEqual(["sh", argv.slice(1), "/bin/sh"]);
    // Longer than ARGS_BYTES: cut there, the last argument partial.
    const long = ["cat", "x".repeat(100), "y".repeat(100)];
    const cut = parseBpftraceLine(`X\t${head}\t${words(long)}\t/bin/cat`);
    expect(cut?.ev.proc.args).toEqual(["x".repeat(100), "y".repeat(ARGS_BYTES - 4 - 101)]);
    // Word values above 2^53 are exact (split in 32-bit halves).
    expect(argvFromWords(["6867666564636261", "0"], 0, 9)).toEqual(["abcdefgh"]);
    // No exec event from a line with too few words.
    expect(parseBpftraceLine(`X\t${head}\t8\t6873\t/bin/sh`)).toBeUndefined();
  });
});
