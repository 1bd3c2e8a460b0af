// `npm run bench -- runtime`: the runtime watcher (bpftrace + Node, Bulwark's default rules) on
// real kernel events while a runc container makes system calls at a known count and pace. Needs
// root, bpftrace with BTF and tracefs, runc, umoci and busybox-static; prints one line and skips
// otherwise.
//
// Phases (idle: nothing in the container, the watcher's own cost), each a few seconds (BULWARK_BENCH_RUNTIME_SECONDS, default 4, at most 10; a subset with
// BULWARK_BENCH_RUNTIME_PHASES=open,exec; BULWARK_BENCH_RUNTIME_CONTAINERS_ONLY=1 runs the watcher
// with --containers-only):
//   open     a static program opening /etc/passwd (BULWARK_BENCH_RUNTIME_RATE per second, default 40,000: the
//            paced loop wakes late on a loaded 2-core machine and delivers about half of what it is
//            asked, so asking 20,000 measured 13,800/s handled, 40,000-45,000 gave 21,000-24,000/s)
//   connect  a static program connecting to 127.0.0.1:4444 (refused), 5,000 per second
//   exec     busybox sh running /bin/true in a loop (as fast as it goes)
//   mix      the open program at 3/4 of the rate and, at once, sh running `cat /etc/passwd /etc/group`
// For each: events the container generated (known from the programs), handled by the watcher
// (its container events of that type), reported lost by bpftrace, the time from the phase's
// start to its last event handled, and CPU of bpftrace (/proc/PID/stat) and of Node
// (process.cpuUsage: the watcher runs in this process) over that time, with the load average.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { watchRuntime, type RuntimeEvent } from "../src/runtime/index.js";
import { bpftraceUnavailable } from "../src/runtime/sources/bpftrace.js";
import { busyLoopElf } from "../test/support/busy-elf.js";
import { buildImage, writeOciLayout } from "../test/support/image-builder.js";
import { busyboxLayer, missingRunc, startRuncContainer, type RuncContainer } from "../test/support/runc-container.js";
import { bpftracePid, cpuMsOf } from "../test/support/proc-stat.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));



interface PhaseResult {
  phase: string;
  generated: number;
  handled: number;
  lost: number;
  seconds: number;
  bpftraceCores: number;
  nodeCores: number;
  load: string;
  allEvents: number;
}

export async function benchRuntime(): Promise<PhaseResult[] | undefined> {
  const why = missingRunc("bench runtime") ?? (process.arch !== "x64" ? "the load programs are x86-64 machine code" : undefined) ?? bpftraceUnavailable();
  if (why) {
    console.log(`runtime bench skipped: ${why}`);
    return undefined;
  }
  const seconds = Math.min(10, Math.max(1, Number(process.env["BULWARK_BENCH_RUNTIME_SECONDS"] ?? 4)));
  const rate = Math.max(1000, Number(process.env["BULWARK_BENCH_RUNTIME_RATE"] ?? 40_000));
  const work = mkdtempSync(join(tmpdir(), "bw-bench-runtime-"));
  let c: RuncContainer | undefined;
  const stop = new AbortController();
  let done: Promise<unknown> | undefined;
  try {
    const img = await buildImage({ tags: ["v1"], layers: [busyboxLayer()] });
    writeOciLayout(join(work, "layout"), [img]);
    c = await startRuncContainer({ image: { layout: join(work, "layout"), ref: "v1" } });
    const cid = c.id;
    // Programs at 10 ms per iteration: `per` calls, then sleep 10 ms (the pace is at most per x 100/s;
    // a late wake-up on a loaded machine slows it down).
    const program = (name: string, kind: "open" | "connect", perSecond: number) => {
      const per = Math.max(1, Math.round(perSecond / 100));
      const iterations = seconds * 100;
      writeFileSync(join(c!.rootfs, name), busyLoopElf({ kind, iterations, perIteration: per, sleepNs: 10_000_000, path: "/etc/passwd", port: 4444 }), { mode: 0o755 });
      return iterations * per;
    };
    const counts = new Map<string, number>();
    let seen = 0;
    let lastAt = Date.now();
    let liveStats: { lost: number; events: number } | undefined;
    const lostNow = () => liveStats?.lost ?? 0;
    const allNow = () => liveStats?.events ?? 0;
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    let stats: { lost: number } | undefined;
    done = watchRuntime({
      source: "bpftrace",
      containersOnly: process.env["BULWARK_BENCH_RUNTIME_CONTAINERS_ONLY"] === "1",
      signal: stop.signal,
      onAlert: () => {},
      onReady: () => ready(),
      onEvent: (e: RuntimeEvent) => {
        if (e.source !== "syscall" || e.containerId !== cid) return;
        const t = e.type === "open" ? "openat" : e.type;
        counts.set(t, (counts.get(t) ?? 0) + 1);
        seen++;
        lastAt = Date.now();
      },
      onSourceStats: (st) => (liveStats = st),
    }).then((s) => {
      stats = s.source_stats;
      return s;
    });
    await Promise.race([isReady, done.then(() => Promise.reject(new Error("the watcher ended before it was ready")))]);
    const bp = bpftracePid();
    const results: PhaseResult[] = [];
    const phase = async (name: string, types: string[], generated: number, run: () => Promise<unknown>) => {
      await sleep(500);
      for (const t of types) counts.set(t, 0);
      const all0 = allNow();
      const lost0 = lostNow();
      const bp0 = cpuMsOf(bp);
      const cpu0 = process.cpuUsage();
      const t0 = Date.now();
      await run();
      // Wait for the backlog: no new container event for 2 s (at most 30 s).
      let snap = { at: Date.now(), bp: cpuMsOf(bp), cpu: process.cpuUsage(cpu0), seen, all: allNow() };
      for (let i = 0; i < 300 && Date.now() - lastAt < 2000; i++) {
        await sleep(100);
        if (seen !== snap.seen) snap = { at: lastAt, bp: cpuMsOf(bp), cpu: process.cpuUsage(cpu0), seen, all: allNow() };
      }
      const secs = (snap.at - t0) / 1000;
      const handled = types.reduce((a, t) => a + (counts.get(t) ?? 0), 0);
      const r: PhaseResult = {
        phase: name,
        generated,
        handled,
        lost: lostNow() - lost0,
        seconds: secs,
        bpftraceCores: (snap.bp - bp0) / 1000 / secs,
        nodeCores: (snap.cpu.user + snap.cpu.system) / 1e6 / secs,
        load: loadavg().map((x) => x.toFixed(2)).join(" "),
        allEvents: snap.all - all0,
      };
      results.push(r);
      const all = r.allEvents;
      const usPer = ((r.bpftraceCores + r.nodeCores) * secs * 1e6) / Math.max(1, all);
      console.log(
        `runtime ${name.padEnd(7)}: generated ${generated}, handled ${handled} (${(handled / secs).toFixed(0)}/s over ${secs.toFixed(2)} s; all events incl. the host's ${all} = ${(all / secs).toFixed(0)}/s), lost ${r.lost}; ` +
          `CPU bpftrace ${r.bpftraceCores.toFixed(2)} + node ${r.nodeCores.toFixed(2)} = ${(r.bpftraceCores + r.nodeCores).toFixed(2)} cores (${usPer.toFixed(1)} us per event of all; ${((usPer * 20_000) / 1e6).toFixed(2)} cores at 20,000/s); load ${r.load}`,
      );
    };
    const only = (process.env["BULWARK_BENCH_RUNTIME_PHASES"] ?? "idle,open,connect,exec,mix").split(",");
    // The watcher's own cost with no load in the container (the host's events still come).
    if (only.includes("idle")) await phase("idle", [], 0, () => sleep(seconds * 1000));
    const openN = program("openloop", "open", rate);
    if (only.includes("open")) await phase("open", ["openat"], openN, () => c!.exec(["/openloop"], { timeoutMs: 120_000 }));
    const connN = program("connectloop", "connect", 5000);
    if (only.includes("connect")) await phase("connect", ["connect"], connN, () => c!.exec(["/connectloop"], { timeoutMs: 120_000 }));
    const execs = seconds * 1000;
    if (only.includes("exec")) await phase("exec", ["execve"], execs + 1, () => c!.exec(["sh", "-c", `i=0; while [ $i -lt ${execs} ]; do /bin/true; i=$((i+1)); done`], { timeoutMs: 120_000 }));
    const mixN = program("openloop", "open", (rate * 3) / 4);
    const cats = seconds * 500;
    // The cat loop: per cat an exec, the shell's open of /dev/null and cat's two opens; plus sh's own exec.
    if (only.includes("mix")) await phase("mix", ["openat", "execve"], mixN + cats * 4 + 1, () =>
      Promise.all([c!.exec(["/openloop"], { timeoutMs: 120_000 }), c!.exec(["sh", "-c", `i=0; while [ $i -lt ${cats} ]; do cat /etc/passwd /etc/group > /dev/null; i=$((i+1)); done`], { timeoutMs: 120_000 })]),
    );
    stop.abort();
    await done;
    console.log(`runtime bench: bpftrace lost ${stats?.lost ?? 0} events in all; ${seconds} s per phase, open rate asked ${rate}/s${process.env["BULWARK_BENCH_RUNTIME_CONTAINERS_ONLY"] === "1" ? "; --containers-only" : ""}`);
    return results;
  } finally {
    stop.abort();
    await done?.catch(() => undefined);
    await c?.delete();
    rmSync(work, { recursive: true, force: true });
  }
}
