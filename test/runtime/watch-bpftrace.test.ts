// The runtime watcher on real kernel events: bpftrace started by Bulwark, a real runc container
// doing what each default rule is about, and each rule must fire exactly for its own event.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchRuntime, type Alert as RuntimeAlert, type WatchSummary as RuntimeWatchSummary } from "../../src/runtime/index.js";
import { bpftraceUnavailable } from "../../src/runtime/sources/bpftrace.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";
import { BUSYBOX_APPLETS, busyboxLayer, missingRunc, startRuncContainer, type RuncContainer } from "../support/runc-container.js";
import { missingOnHost, missingTool } from "../support/tools.js";
import { bpftracePid, cpuMsOf } from "../support/proc-stat.js";
import { staticElf } from "../support/busy-elf.js";

/** A 138-byte static x86-64 program: setuid(0), then exit(0). Written here, byte by byte. */
function setuidZeroElf(): Buffer {
  // setuid(0), then exit(0).
  return staticElf(Buffer.from([0x31, 0xff, 0xb8, 0x69, 0, 0, 0, 0x0f, 0x05, 0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]));
}

const why =
  missingRunc("runtime watch (bpftrace) tests") ??
  missingTool("runtime watch (bpftrace) tests", "bpftrace") ??
  missingOnHost("runtime watch (bpftrace) tests", process.arch === "x64", "the setuid test program is x86-64 machine code") ??
  (() => {
    const u = bpftraceUnavailable();
    return u ? missingOnHost("runtime watch (bpftrace) tests", false, u) : undefined;
  })();



const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== undefined)("runtime watch on real kernel events (bpftrace + runc)", () => {
  const work = mkdtempSync(join(tmpdir(), "bw-runtime-"));
  let c: RuncContainer;
  const alerts: RuntimeAlert[] = [];
  let stop: AbortController;
  let done: Promise<RuntimeWatchSummary>;
  let imagePaths: Set<string>;
  const notices: string[] = [];
  let events = 0;
  const connects: string[] = [];
  const forged: Array<{ type: string; name?: string; exepath?: string; pid: number }> = [];
  const byType = new Map<string, number>();
  const containerOpens: string[] = [];

  beforeAll(async () => {
    const extra: EntrySpec[] = [
      { path: "etc/shadow", content: "root:*:19000:0:99999:7:::\n", mode: 0o640 },
      { path: "usr/", type: "dir" },
      { path: "usr/bin/", type: "dir" },
      { path: "usr/bin/dpkg", type: "symlink", linkname: "/bin/busybox" },
      { path: "usr/local/", type: "dir" },
      { path: "usr/local/bin/", type: "dir" },
      { path: "usr/local/bin/setuid0", content: setuidZeroElf(), mode: 0o755 },
    ];
    const layer = busyboxLayer(extra);
    imagePaths = new Set(layer.entries.map((e) => "/" + e.path.replace(/\/$/, "")));
    for (const a of BUSYBOX_APPLETS) imagePaths.add(`/bin/${a}`);
    const img = await buildImage({ tags: ["v1"], layers: [layer] });
    writeOciLayout(join(work, "layout"), [img]);
    c = await startRuncContainer({ image: { layout: join(work, "layout"), ref: "v1" }, annotations: { "org.opencontainers.image.ref.name": "bulwark-test/runtime:v1" } });
    stop = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    done = watchRuntime({
      source: "bpftrace",
      signal: stop.signal,
      onAlert: (a) => alerts.push(a),
      onReady: () => ready(),
      onEvent: (e) => {
        events++;
        if (e.source === "syscall" && e.containerId) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
        if (e.source === "syscall" && e.type === "connect" && e.containerId) connects.push(JSON.stringify(e));
        if (e.source === "syscall" && e.type === "openat" && e.containerId === c.id && containerOpens.length < 100_000 && e.fd?.name) containerOpens.push(e.fd.name);
        if (e.source === "syscall" && (e.fd?.name?.includes("/tmp/forge") || e.proc.exepath === "forged-exe" || e.fd?.name === "forged-exe")) forged.push({ type: e.type, pid: e.proc.pid, ...(e.fd?.name ? { name: e.fd.name } : {}), ...(e.proc.exepath ? { exepath: e.proc.exepath } : {}) });
      },
      // The drift rule's image index: drift's own file index of the image, built by the watcher
      // before it starts (plain runc records no image: it is given by container id).
      imageTargets: { [c.id]: `oci:${join(work, "layout")}:v1` },
      onNotice: (m) => notices.push(m),
      dedupeSeconds: 0,
      ratePerRule: 0,
    });
    await Promise.race([isReady, done.then(() => Promise.reject(new Error("watcher ended before it was ready")))]);
  }, 90_000);

  afterAll(async () => {
    stop?.abort();
    await done?.catch(() => undefined);
    await c?.delete();
    rmSync(work, { recursive: true, force: true });
  });

  it("fires each default rule exactly for its own event in the container", async () => {
    const run = async (args: string[], user?: { uid: number; gid: number }) => c.exec(args, user ? { user } : {});
    await run(["sh", "-c", "exit 0"]);
    await run(["cat", "/etc/shadow"]);
    await run(["dpkg", "--version"]);
    await run(["nc", "-w", "1", "127.0.0.1", "4444"]);
    await run(["/usr/local/bin/setuid0"], { uid: 65534, gid: 65534 });
    await run(["touch", "/usr/bin/planted"]);
    await run(["cp", "/bin/busybox", "/tmp/dropped"]);
    await run(["/tmp/dropped", "true"]);
    // Events reach us through bpftrace's per-CPU buffers, not necessarily in order: wait until
    // every expected rule has fired (or 10 s), then a little more for strays.
    const expected = new Set(["Shell spawned in a container", "Sensitive file opened for reading", "Package manager run in a container", "Outbound connection to a non-allowed port", "Setuid escalation attempt", "Write below a system binary directory", "Executable not in the container image"]);
    for (let i = 0; i < 100 && [...expected].some((r) => !alerts.some((a) => a.rule === r && a.container.id === c.id)); i++) await sleep(100);
    await sleep(1000);
    const mine = alerts.filter((a) => a.container.id === c.id);
    const byRule = (rule: string) => mine.filter((a) => a.rule === rule);
    const f = (a: RuntimeAlert | undefined, k: string) => a?.output_fields[k];

    const shell = byRule("Shell spawned in a container");
    expect(shell).toHaveLength(1);
    expect(f(shell[0], "proc.cmdline")).toBe("sh -c exit 0");
    expect(shell[0]!.container.image).toBe("bulwark-test/runtime:v1");

    const secret = byRule("Sensitive file opened for reading");
    expect(secret).toHaveLength(1);
    expect(f(secret[0], "fd.name")).toBe("/etc/shadow");
    expect(f(secret[0], "proc.name")).toBe("cat");

    const pkg = byRule("Package manager run in a container");
    expect(pkg).toHaveLength(1);
    expect(f(pkg[0], "proc.name")).toBe("dpkg");

    const net = byRule("Outbound connection to a non-allowed port");
    if (net.length !== 1) console.log(`connect events in containers: ${connects.join("\n")}; alerts: ${mine.map((a) => a.rule).join(", ")}`);
    expect(net).toHaveLength(1);
    expect(f(net[0], "fd.sport")).toBe(4444);
    expect(f(net[0], "proc.name")).toBe("nc");
    expect(net[0]!.output).toContain("127.0.0.1:4444");

    const setuid = byRule("Setuid escalation attempt");
    expect(setuid).toHaveLength(1);
    expect(f(setuid[0], "user.uid")).toBe(65534);
    expect(f(setuid[0], "evt.type")).toBe("setuid");

    const write = byRule("Write below a system binary directory");
    expect(write.map((a) => f(a, "fd.name"))).toEqual(["/usr/bin/planted"]);

    // Drift: the binary copied in after start fires; the image's own (sh, cat, dpkg, nc, touch, cp,
    // setuid0: files and symlinks of the image) do not.
    const drift = byRule("Executable not in the container image");
    expect(drift.map((a) => f(a, "proc.exepath"))).toEqual(["/tmp/dropped"]);
    expect(notices).toContain("drift rule: image indexes ready for 1 of 1 containers");
    for (const p of ["/bin/sh", "/bin/cat", "/usr/bin/dpkg", "/usr/local/bin/setuid0"]) expect(imagePaths.has(p)).toBe(true);

    // Nothing else fired in the container, and the host's own activity is not attributed to it.
    expect(mine.filter((a) => !expected.has(a.rule)).map((a) => a.rule)).toEqual([]);
    expect(mine).toHaveLength(7);
  });

  it("reads a file name holding a newline and a forged event line as one path, not as an event", async () => {
    // bpftrace prints paths as raw text: a newline in a file name starts a new output line. The
    // name below carries what an exec line of the program looks like, without the run's nonce.
    const name = "/tmp/forge\nX\t1\t1\t0\t0\t0\t1\t1\t0\t0\t0\t0\tsh\tforged-exe";
    const r = await c.exec(["sh", "-c", 'f="$(printf "/tmp/forge\\nX\\t1\\t1\\t0\\t0\\t0\\t1\\t1\\t0\\t0\\t0\\t0\\tsh\\tforged-exe")"; : > "$f" && cat "$f"']);
    expect(r.code).toBe(0);
    for (let i = 0; i < 50 && forged.filter((e) => e.name === name).length < 2; i++) await sleep(100);
    expect(forged.filter((e) => e.exepath === "forged-exe" || e.name === "forged-exe")).toEqual([]);
    // The shell's open for writing and cat's open for reading, each with the whole name.
    expect(forged.filter((e) => e.name === name).map((e) => e.type)).toEqual(["openat", "openat"]);
  });

  it("judges a path with .. by where it leads: fd.name is normalised, evt.arg.name is as passed", async () => {
    const before = alerts.length;
    expect((await c.exec(["cat", "/tmp/../etc/./shadow"])).code).toBe(0);
    for (let i = 0; i < 50 && !alerts.slice(before).some((a) => a.rule === "Sensitive file opened for reading"); i++) await sleep(100);
    const hit = alerts.slice(before).filter((a) => a.rule === "Sensitive file opened for reading" && a.container.id === c.id);
    expect(hit.map((a) => [a.output_fields["fd.name"], a.output_fields["proc.cmdline"], a.output_fields["evt.arg.flags"]])).toEqual([["/etc/shadow", "cat /tmp/../etc/./shadow", "O_RDONLY"]]);
  });

  it("drops failed opens in the kernel when no rule can match one (the default rules), keeps the others", async () => {
    expect(notices).toContain("bpftrace: failed opens dropped in the kernel (no enabled rule can match one)");
    const r = await c.exec(["cat", "/no-such-file", "/etc/group"]);
    expect(r.code).not.toBe(0); // cat says the first file is missing, and still prints the second
    expect(r.stdout).toContain("root:x:0:");
    for (let i = 0; i < 50 && !containerOpens.includes("/etc/group"); i++) await sleep(100);
    await sleep(300);
    expect(containerOpens).toContain("/etc/group");
    expect(containerOpens.filter((n) => n.includes("no-such-file"))).toEqual([]);
  });

  it("handles a container's busy loop of execs and opens (events/s and CPU measured)", async () => {
    const before = events;
    byType.clear();
    const bp = bpftracePid();
    const bpCpu0 = cpuMsOf(bp);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    // Two loops at once (the machine has two cores): each cat is an exec and eight opens.
    const loop = "i=0; while [ $i -lt 1500 ]; do cat /etc/passwd /etc/group /etc/shadow /etc/passwd /etc/group /etc/passwd /etc/group /etc/passwd > /dev/null; i=$((i+1)); done";
    const rs = await Promise.all([c.exec(["sh", "-c", loop], { timeoutMs: 120_000 }), c.exec(["sh", "-c", loop], { timeoutMs: 120_000 })]);
    for (const r of rs) expect(r.code).toBe(0);
    const loopSecs = (Date.now() - t0) / 1000;
    // bpftrace's reader lags behind the kernel under this load (and is starved for whole seconds
    // on a loaded machine): wait until the backlog is read (no new event for 3 s, at most 60 s)
    // and measure up to the last event.
    const inContainer = () => [...byType.values()].reduce((a, b) => a + b, 0);
    // CPU and event counts are taken when the last container event was seen, not after the wait.
    const snap = () => ({ at: Date.now(), cpu: process.cpuUsage(cpu0), bpMs: cpuMsOf(bp), events });
    let last = inContainer();
    let lastSnap = snap();
    for (let i = 0; i < 600 && Date.now() - lastSnap.at < 3000; i++) {
      await sleep(100);
      if (inContainer() !== last) {
        last = inContainer();
        lastSnap = snap();
      }
    }
    const lastAt = lastSnap.at;
    const secs = (lastAt - t0) / 1000;
    const cpu = lastSnap.cpu;
    const bpCpuMs = lastSnap.bpMs - bpCpu0;
    const load = loadavg().map((x) => x.toFixed(2)).join(", ");
    const all = lastSnap.events - before;
    const n = inContainer();
    const rate = all / secs;
    stop.abort();
    const s = await done;
    const lost = s.source_stats?.lost ?? 0;
    console.log(`container events by type during the loop: ${JSON.stringify(Object.fromEntries(byType))}; malformed lines ${s.source_stats?.malformed}`);
    const nodeMs = (cpu.user + cpu.system) / 1000;
    const perEventUs = ((nodeMs + bpCpuMs) * 1000) / all;
    console.log(
      `runtime watch cost: ${all} events (${n} from the container) in ${secs.toFixed(1)} s = ${rate.toFixed(0)} events/s (the container's loops took ${loopSecs.toFixed(1)} s); ` +
        `CPU: watcher (node) ${nodeMs.toFixed(0)} ms = ${(nodeMs / secs / 10).toFixed(1)}% of one core, bpftrace ${bpCpuMs.toFixed(0)} ms = ${(bpCpuMs / secs / 10).toFixed(1)}%; ` +
        `${perEventUs.toFixed(1)} us of CPU per event = ${((perEventUs * 20_000) / 1e6).toFixed(2)} cores at 20,000 events/s; bpftrace reported ${lost} lost; load average ${load}`,
    );
    // 3000 cats: an exec and nine opens each (the shell's of /dev/null, then the eight files).
    // Each is handled or counted as lost by bpftrace (on a loaded machine its buffer may
    // overflow): none disappears without being counted.
    expect(n + lost).toBeGreaterThanOrEqual(30_000);
    expect(bp).toBeDefined();
    console.log(`runtime watch summary: ${JSON.stringify({ events: s.engine.events, evaluations: s.engine.evaluations, seconds: s.seconds, watcherCpuMs: s.cpuMs, bpftraceCpuMs: s.source_stats?.bpftraceCpuMs })}`);
  }, 180_000);

  it("--containers-only drops the host's processes in the kernel and keeps the container's", async () => {
    const ac = new AbortController();
    const seen: Array<{ containerId?: string; type: string; name?: string; pid: number }> = [];
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const run = watchRuntime({
      source: "bpftrace", containersOnly: true, signal: ac.signal, onAlert: () => {}, onReady: () => ready(), dedupeSeconds: 0, ratePerRule: 0,
      onEvent: (e) => {
        if (e.source === "syscall") seen.push({ type: e.type, pid: e.proc.pid, ...(e.containerId ? { containerId: e.containerId } : {}), ...(e.fd?.name ? { name: e.fd.name } : {}) });
      },
    });
    await Promise.race([isReady, run.then(() => Promise.reject(new Error("watcher ended before it was ready")))]);
    // The host reads the file too (this test process's child, in the host's PID namespace).
    const host = spawnSync("/bin/cat", ["/etc/hostname"]);
    expect(host.status).toBe(0);
    expect((await c.exec(["cat", "/etc/group"])).code).toBe(0);
    for (let i = 0; i < 50 && !seen.some((e) => e.name === "/etc/group" && e.containerId === c.id); i++) await sleep(100);
    await sleep(500);
    ac.abort();
    await run;
    expect(seen.some((e) => e.name === "/etc/group" && e.containerId === c.id)).toBe(true);
    expect(seen.filter((e) => e.name === "/etc/hostname" || e.pid === host.pid)).toEqual([]);
    // What is left outside a container's cgroup comes from PID namespaces other than the host's
    // (runc's init while it sets a container process up): nothing of this test process.
    expect(seen.filter((e) => e.pid === process.pid)).toEqual([]);
  }, 60_000);

  it("attaches only the probes the rules can match (an exec-only rule set: no open, connect or setuid events)", async () => {
    const rules = join(work, "exec-only.yaml");
    writeFileSync(rules, "- rule: Any exec in a container\n  desc: d\n  condition: evt.type=execve and container.id != host\n  output: exec %proc.cmdline\n  priority: NOTICE\n");
    const ac = new AbortController();
    const seen: Array<{ type: string; cid?: string; name: string }> = [];
    const got: RuntimeAlert[] = [];
    const msgs: string[] = [];
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const run = watchRuntime({
      source: "bpftrace", rules: [rules], noDefaultRules: true, signal: ac.signal, onAlert: (a) => got.push(a), onReady: () => ready(), onNotice: (m) => msgs.push(m), dedupeSeconds: 0, ratePerRule: 0,
      onEvent: (e) => {
        if (e.source === "syscall") seen.push({ type: e.type, name: e.proc.name, ...(e.containerId ? { cid: e.containerId } : {}) });
      },
    });
    await Promise.race([isReady, run.then(() => Promise.reject(new Error("watcher ended before it was ready")))]);
    expect(msgs).toContain("bpftrace: not tracing open/openat, connect, the setuid family (no enabled rule can match them)");
    expect((await c.exec(["cat", "/etc/group"])).code).toBe(0);
    await c.exec(["nc", "-w", "1", "127.0.0.1", "4444"]);
    await c.exec(["/usr/local/bin/setuid0"], { user: { uid: 65534, gid: 65534 } });
    for (let i = 0; i < 50 && got.filter((a) => a.container.id === c.id).length < 3; i++) await sleep(100);
    await sleep(500);
    ac.abort();
    await run;
    const mine = seen.filter((e) => e.cid === c.id);
    expect(mine.filter((e) => e.type === "execve").map((e) => e.name).sort()).toEqual(["cat", "nc", "setuid0"]);
    expect(got.filter((a) => a.container.id === c.id).map((a) => a.output).sort()).toEqual(["exec cat /etc/group", "exec nc -w 1 127.0.0.1 4444", "exec setuid0"]);
    // Nothing but execs, from the container or the host.
    expect(seen.filter((e) => e.type !== "execve")).toEqual([]);
  }, 60_000);
});
