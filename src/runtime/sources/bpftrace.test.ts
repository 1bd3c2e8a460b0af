// The bpftrace source's line handling (nonce, path continuations, lost-event reports), driven by
// a stand-in for bpftrace that prints what bpftrace prints. The real program on real kernel
// events is tested in test/runtime/watch-bpftrace.test.ts.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BpftraceSource, type RawEvent } from "./bpftrace.js";

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
});
