// Kernel events through bpftrace: Bulwark writes a bpftrace program to a file, runs
// `bpftrace -B line FILE` as a supervised child (spawn with an argument array) and parses its
// printf lines (tab-separated, fixed field order). No native addon; bpftrace does the BPF work.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { ProcessInfo, SyscallEvent } from "../event.js";
import { readCapped } from "../host.js";
import { LineSplitter } from "./lines.js";

/** Longest argv text bpftrace copies (bytes), in 64-bit words. */
export const ARGS_WORDS = 20;
export const ARGS_BYTES = ARGS_WORDS * 8;
/** Longest path bpftrace copies (BPFTRACE_STRLEN; more overflows the 512-byte BPF stack of the exec probe). */
export const PATH_BYTES = 96;

/** Which probes the program attaches (default: all). The exec probe is always there: it feeds the process table. */
export interface BpftraceProbes {
  open?: boolean;
  /** Opens that failed (result < 0); false drops them in the kernel. */
  failedOpens?: boolean;
  connect?: boolean;
  /** setuid, setgid, setreuid, setregid, setresuid, setresgid. */
  setid?: boolean;
}

export interface BpftraceProgramOptions {
  /** Drop, in the kernel, tasks of the host's PID namespace. */
  containersOnly?: boolean;
  probes?: BpftraceProbes;
}

/**
 * The program. Every line is `KIND+NONCE\tnumbers...\tstrings` in bpftrace's plain text output
 * (not `-f json`: its JSON printing and our JSON parsing cost most of the time per event). comm
 * and the parent's comm are printed as two 64-bit numbers each (hex, little-endian bytes), not as
 * text: %r (escaped bytes) is by far the most expensive thing bpftrace prints, and raw %s text
 * could hold tabs that shift the fields after it. argv is printed as numbers too (its length and
 * ARGS_WORDS 64-bit words), not with %r. The only raw text is a path, always last: a tab inside it cannot
 * shift other fields, and a newline inside it starts a line that does not begin with a kind and
 * the run's random nonce, which the reader joins back to the line before (so no process can
 * forge an event by naming a file). Events of the watcher's own process and of bpftrace are
 * dropped in the kernel.
 */
export function bpftraceProgram(selfPid: number, nonce = "", opts: BpftraceProgramOptions = {}): string {
  const probes = opts.probes ?? {};
  const opens = probes.open !== false;
  const connects = probes.connect !== false;
  const setids = probes.setid !== false;
  // containersOnly: tasks whose PID namespace is not the initial one (level > 0), in the kernel.
  const not = `/pid != ${selfPid} && comm != "bpftrace"${opts.containersOnly ? " && curtask->thread_pid->level > 0" : ""}/`;
  const head = `pid, tid, curtask->real_parent->tgid, uid, curtask->loginuid.val, cgroup, curtask->nsproxy->pid_ns_for_children->ns.inum, ((uint64 *)curtask->comm)[0], ((uint64 *)curtask->comm)[1], ((uint64 *)curtask->real_parent->comm)[0], ((uint64 *)curtask->real_parent->comm)[1]`;
  const headFmt = `%d\\t%d\\t%d\\t%d\\t%u\\t%llu\\t%u\\t%llx\\t%llx\\t%llx\\t%llx`;
  const k = (kind: string) => `${kind}${nonce}\\t`;
  const argWords = Array.from({ length: ARGS_WORDS }, (_, i) => (i === 0 ? `($n > 0 ? *(uint64 *)uptr($a) : 0)` : `($n > ${i * 8} ? *(uint64 *)uptr($a + ${i * 8}) : 0)`)).join(", ");
  const setid = (name: string, n: number, argList: string[]) =>
    `tracepoint:syscalls:sys_enter_${name} ${not} { printf("${k("U")}${headFmt}\\t%d\\t%d\\t%d\\t%d\\n", ${head}, ${n}, ${argList.map((a) => `(int64)args->${a}`).concat(["-1", "-1", "-1"]).slice(0, 3).join(", ")}); }`;
  return [
    `BEGIN { printf("R${nonce}\\n"); }`,
    // Exec: after the new image is in place, with its argv read from the new mm.
    // argv as ARGS_WORDS 64-bit words (hex) and its length: %r (bpftrace's escaped buffer) costs
    // about 25 us per event in bpftrace (it rebuilds a std::regex per printf); words past the
    // length are not read (0).
    `tracepoint:sched:sched_process_exec ${not} {`,
    `  $mm = curtask->mm; $a = $mm->arg_start; $n = $mm->arg_end - $a; $n = $n > ${ARGS_BYTES} ? ${ARGS_BYTES} : $n;`,
    `  printf("${k("X")}${headFmt}\\t%d${"\\t%llx".repeat(ARGS_WORDS)}\\t%s\\n", ${head}, $n, ${argWords}, str(args->filename));`,
    `}`,
    // open/openat: the path and flags at entry, reported with the result at exit (failed ones
    // only when a rule may match them: probes.failedOpens).
    ...(opens ? [
    `tracepoint:syscalls:sys_enter_openat ${not} { @of[tid] = args->filename; @ofl[tid] = args->flags; @od[tid] = args->dfd; @ok[tid] = 0; }`,
    `tracepoint:syscalls:sys_enter_open ${not} { @of[tid] = args->filename; @ofl[tid] = args->flags; @od[tid] = -100; @ok[tid] = 1; }`,
    `tracepoint:syscalls:sys_exit_openat, tracepoint:syscalls:sys_exit_open /@of[tid] != 0/ {`,
    `  ${probes.failedOpens === false ? "if (args->ret >= 0) { " : ""}printf("${k("O")}${headFmt}\\t%d\\t%d\\t%d\\t%d\\t%s\\n", ${head}, @ok[tid], @od[tid], @ofl[tid], args->ret, str(uptr(@of[tid])));${probes.failedOpens === false ? " }" : ""}`,
    `  delete(@of[tid]); delete(@ofl[tid]); delete(@od[tid]); delete(@ok[tid]);`,
    `}`,
    ] : []),
    // connect: the address at entry; at exit the result and the socket's protocol and local side.
    ...(connects ? [
    `tracepoint:syscalls:sys_enter_connect ${not} { @cs[tid] = args->uservaddr; @cfd[tid] = args->fd; }`,
    `tracepoint:syscalls:sys_exit_connect /@cs[tid] != 0/ {`,
    `  $sa = (struct sockaddr_in *)@cs[tid]; $fam = $sa->sin_family;`,
    `  $file = *(curtask->files->fdt->fd + @cfd[tid]); $sk = ((struct socket *)$file->private_data)->sk;`,
    `  if ($fam == 2) {`,
    `    printf("${k("C")}${headFmt}\\t4\\t%d\\t%d\\t%d\\t%d\\t%d\\t%d\\t%s\\t%s\\n", ${head}, @cfd[tid], args->ret, $sk->sk_protocol, $sk->sk_type, (($sa->sin_port & 0xff) << 8) | ($sa->sin_port >> 8), $sk->__sk_common.skc_num, ntop(2, $sa->sin_addr.s_addr), ntop(2, $sk->__sk_common.skc_rcv_saddr));`,
    `  } else if ($fam == 10) {`,
    `    $s6 = (struct sockaddr_in6 *)@cs[tid];`,
    `    printf("${k("C")}${headFmt}\\t6\\t%d\\t%d\\t%d\\t%d\\t%d\\t%d\\t%s\\t%s\\n", ${head}, @cfd[tid], args->ret, $sk->sk_protocol, $sk->sk_type, (($s6->sin6_port & 0xff) << 8) | ($s6->sin6_port >> 8), $sk->__sk_common.skc_num, ntop(10, $s6->sin6_addr.in6_u.u6_addr8), ntop(10, $sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8));`,
    `  }`,
    `  delete(@cs[tid]); delete(@cfd[tid]);`,
    `}`,
    ] : []),
    ...(setids ? [
    setid("setuid", 0, ["uid"]),
    setid("setgid", 1, ["gid"]),
    setid("setreuid", 2, ["ruid", "euid"]),
    setid("setregid", 3, ["rgid", "egid"]),
    setid("setresuid", 4, ["ruid", "euid", "suid"]),
    setid("setresgid", 5, ["rgid", "egid", "sgid"]),
    ] : []),
    `END { ${[...(opens ? ["@of", "@ofl", "@od", "@ok"] : []), ...(connects ? ["@cs", "@cfd"] : [])].map((m) => `clear(${m});`).join(" ")} }`,
    "",
  ].join("\n");
}

export const SETID_TYPES = ["setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid"] as const;
const SETID = SETID_TYPES;
const SETID_ARGS: Record<string, string[]> = {
  setuid: ["uid"],
  setgid: ["gid"],
  setreuid: ["ruid", "euid"],
  setregid: ["rgid", "egid"],
  setresuid: ["ruid", "euid", "suid"],
  setresgid: ["rgid", "egid", "sgid"],
};

const argvBytes = Buffer.alloc(ARGS_BYTES);
/**
 * argv from the exec line's words: `n` bytes (at most ARGS_BYTES) printed as 64-bit little-endian
 * numbers in hex, arguments separated by NUL bytes. The last argument may be cut.
 */
export function argvFromWords(f: string[], from: number, n: number): string[] {
  const len = Number.isInteger(n) && n > 0 ? Math.min(n, ARGS_BYTES) : 0;
  for (let i = 0; i * 8 < len; i++) {
    const h = f[from + i] ?? "0";
    // Two 32-bit halves: parseInt is exact up to 2^53, a 64-bit word is not.
    const cut = h.length > 8 ? h.length - 8 : 0;
    argvBytes.writeUInt32LE(parseInt(h.slice(cut), 16) >>> 0, i * 8);
    argvBytes.writeUInt32LE(cut ? parseInt(h.slice(0, cut), 16) >>> 0 : 0, i * 8 + 4);
  }
  const argv: string[] = [];
  let start = 0;
  for (let i = 0; i < len; i++) {
    if (argvBytes[i] !== 0) continue;
    argv.push(argvBytes.toString("utf8", start, i));
    start = i + 1;
  }
  if (start < len) argv.push(argvBytes.toString("utf8", start, len));
  return argv;
}

const commCache = new Map<string, string>();
/** A 16-byte comm printed as two little-endian 64-bit numbers in hex: the text up to its NUL. */
export function commFromHex(lo: string, hi: string): string {
  const key = `${lo}:${hi}`;
  const hit = commCache.get(key);
  if (hit !== undefined) return hit;
  const bytes: number[] = [];
  out: for (const h of [lo, hi]) {
    const x = h.padStart(16, "0");
    for (let k = 0; k < 8; k++) {
      const b = parseInt(x.slice(14 - 2 * k, 16 - 2 * k), 16);
      if (!b) break out;
      bytes.push(b);
    }
  }
  const name = Buffer.from(bytes).toString("utf8");
  if (commCache.size >= 4096) commCache.clear();
  commCache.set(key, name);
  return name;
}

const flagsCache = new Map<number, string>();
/** Linux open(2) flags as Falco prints them. */
export function openFlags(flags: number): string {
  let v = flagsCache.get(flags);
  if (v === undefined) {
    v = renderOpenFlags(flags);
    if (flagsCache.size >= 1024) flagsCache.clear();
    flagsCache.set(flags, v);
  }
  return v;
}

function renderOpenFlags(flags: number): string {
  const acc = ["O_RDONLY", "O_WRONLY", "O_RDWR"][flags & 3] ?? "O_RDONLY";
  const names: Array<[number, string]> = [
    [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"], [0o4000, "O_NONBLOCK"],
    [0o10000, "O_DSYNC"], [0o40000, "O_DIRECT"], [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"], [0o1000000, "O_NOATIME"],
    [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"], [0o20000000, "O_TMPFILE"],
  ];
  return [acc, ...names.filter(([bit]) => (flags & bit) === bit && !(bit === 0o200000 && (flags & 0o20000000) !== 0)).map(([, n]) => n)].join("|");
}

/** A parsed line before container and path resolution: the cgroup id is still a number. */
export interface RawEvent {
  ev: SyscallEvent;
  cgroupId: string;
  /** open(at) with a relative path: resolve against this directory fd (-100 = cwd). */
  dirfd?: number;
}

/**
 * Parses one line of the program above. `nonce` is the run's: the line's first field must be the
 * event kind followed by it.
 */
export function parseBpftraceLine(line: string, nonce = "", now = Date.now()): RawEvent | undefined {
  if (line.endsWith("\n")) line = line.slice(0, -1);
  const f = line.split("\t");
  if (f.length < 14 || f[0]!.length !== 1 + nonce.length || (nonce && !f[0]!.endsWith(nonce))) return undefined;
  const kind = f[0]![0];
  const num = (i: number): number => Number(f[i]);
  const pname = commFromHex(f[10]!, f[11]!);
  // Every event's process has the same fields (one object shape for the rules' getters to see).
  const proc: ProcessInfo = {
    pid: num(1), tid: num(2), ppid: num(3), uid: num(4), loginuid: num(5), pidns: num(7), name: commFromHex(f[8]!, f[9]!), pname,
    exe: undefined, exepath: undefined, args: undefined,
  };
  const cgroupId = f[6]!;
  // The last field (a path) may hold tabs: join what is left.
  const tail = (from: number): string => (f.length === from + 1 ? f[from]! : f.slice(from).join("\t"));
  switch (kind) {
    case "X": {
      if (f.length < 14 + ARGS_WORDS) return undefined;
      const argv = argvFromWords(f, 13, num(12));
      const exepath = tail(13 + ARGS_WORDS);
      proc.exe = argv[0] ?? exepath;
      proc.exepath = exepath;
      proc.args = argv.slice(1);
      const ev: SyscallEvent = {
        source: "syscall", time: now, type: "execve", dir: "<", res: 0, origin: "bpftrace", args: { filename: exepath },
        proc,
      };
      return { ev, cgroupId };
    }
    case "O": {
      if (f.length < 17) return undefined;
      const isOpen = num(12) === 1;
      const dirfd = num(13);
      const flags = num(14) >>> 0;
      const res = num(15);
      const path = tail(16);
      const ev: SyscallEvent = {
        source: "syscall", time: now, type: isOpen ? "open" : "openat", dir: "<", res, origin: "bpftrace",
        args: { name: path, flags: openFlags(flags), flags_raw: flags, fd: res, dirfd },
        proc,
        fd: { num: res, name: path, typechar: flags & 0o200000 ? "d" : "f" },
      };
      return { ev, cgroupId, dirfd };
    }
    case "C": {
      if (f.length !== 21) return undefined;
      const family = f[12] === "6" ? "6" : "4";
      const res = num(14);
      const protocol = num(15);
      const sockType = num(16);
      const dport = num(17);
      const sport = num(18);
      const dip = f[19]!;
      const sip = f[20]!;
      const l4proto = protocol === 6 ? "tcp" : protocol === 17 ? "udp" : protocol === 1 || protocol === 58 ? "icmp" : sockType === 3 ? "raw" : undefined;
      const fmt = (ip: string, port: number) => (family === "6" ? `[${ip}]:${port}` : `${ip}:${port}`);
      const ev: SyscallEvent = {
        source: "syscall", time: now, type: "connect", dir: "<", res, origin: "bpftrace",
        args: { fd: num(13), addr: fmt(dip, dport), res },
        proc,
        fd: { num: num(13), name: `${fmt(sip, sport)}->${fmt(dip, dport)}`, typechar: family, socket: { family, sip, sport, dip, dport, ...(l4proto ? { l4proto } : {}) } },
      };
      return { ev, cgroupId };
    }
    case "U": {
      if (f.length !== 16) return undefined;
      const type = SETID[num(12)];
      if (!type) return undefined;
      const args: Record<string, number> = {};
      SETID_ARGS[type]!.forEach((name, i) => (args[name] = num(13 + i)));
      const ev: SyscallEvent = { source: "syscall", time: now, type, dir: ">", origin: "bpftrace", args, proc };
      return { ev, cgroupId };
    }
    default:
      return undefined;
  }
}

/** Why bpftrace cannot run here (one line), or undefined. */
export function bpftraceUnavailable(bpftrace = "bpftrace"): string | undefined {
  const path = bpftrace.includes("/") ? bpftrace : findOnPath(bpftrace);
  if (!path) return "bpftrace is not installed (apt-get install bpftrace)";
  if (process.geteuid?.() !== 0) return "bpftrace needs root (CAP_BPF and CAP_PERFMON): run as root or use --source audit";
  if (!existsSync("/sys/kernel/btf/vmlinux")) return "the kernel has no BTF (/sys/kernel/btf/vmlinux): bpftrace cannot read kernel structures";
  if (!tracefsEvents()) return "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing): bpftrace cannot attach to tracepoints";
  return undefined;
}

function tracefsEvents(): string | undefined {
  for (const d of ["/sys/kernel/tracing/events/syscalls", "/sys/kernel/debug/tracing/events/syscalls"]) {
    try {
      if (readdirSync(d).length > 0) return d;
    } catch {
      // Not mounted here.
    }
  }
  return undefined;
}

function findOnPath(program: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export interface BpftraceOptions {
  bpftrace?: string;
  onEvent(e: RawEvent): void;
  /** One-line notices: restarts, dropped lines, bpftrace's own errors. */
  onNotice?(message: string): void;
  /** Restarts after an unexpected exit (default 3). */
  maxRestarts?: number;
  /** Pages of bpftrace's perf buffer per CPU (BPFTRACE_PERF_RB_PAGES, default 1024). */
  perfRbPages?: number;
  /** Drop, in the kernel, events of tasks in the initial PID namespace (the host's). */
  containersOnly?: boolean;
  /** Probes to attach (default all): what the enabled rules can match (see probesForRules). */
  probes?: BpftraceProbes;
}

/**
 * Polls a non-blocking FIFO: reads what accumulated (256 KiB at a time, at most 16 MiB per
 * turn), every 5 ms while 32 KiB or more come per turn, 10 ms while less, backing off to 40 ms
 * when nothing comes. close() reads what is left
 * (the writer has exited) and closes the descriptor.
 */
export class FifoReader {
  private readonly buf = Buffer.allocUnsafe(1 << 18);
  private readonly decoder = new StringDecoder("utf8");
  private timer: NodeJS.Timeout | undefined;
  private delay = 5;
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly onChunk: (text: string, drained: boolean) => void,
  ) {
    this.timer = setTimeout(() => this.tick(), this.delay);
  }

  /** Reads until the FIFO is empty (or the turn's cap): bytes read, and whether the writer is gone (EOF). */
  private readAll(): { got: number; eof: boolean } {
    let got = 0;
    for (let i = 0; i < 64; i++) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") return { got, eof: false };
        return { got, eof: true };
      }
      if (n === 0) return { got, eof: true };
      got += n;
      this.onChunk(this.decoder.write(this.buf.subarray(0, n)), n < this.buf.length);
    }
    return { got, eof: false };
  }

  private tick(): void {
    this.timer = undefined;
    if (this.closed) return;
    const { got, eof } = this.readAll();
    if (eof) {
      // The writer is gone (bpftrace exited, or never started).
      this.close();
      return;
    }
    // Half the FIFO's 64 KiB or more: soon again; some: every 10 ms (a 64 KiB FIFO holds about
    // 30 ms of 20,000 events/s); none: back off to 40 ms.
    this.delay = got >= 32 << 10 ? 5 : got > 0 ? 10 : Math.min(40, this.delay * 2);
    this.timer = setTimeout(() => this.tick(), this.delay);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.readAll();
    const rest = this.decoder.end();
    if (rest) this.onChunk(rest, true);
    closeSync(this.fd);
  }
}

/** Counters the watcher reports. */
export interface SourceStats {
  lines: number;
  events: number;
  malformed: number;
  restarts: number;
  /** bpftrace's own lost-event reports. */
  lost: number;
  /** CPU time bpftrace itself used (user+system, ms), read when it is stopped. */
  bpftraceCpuMs?: number;
}

/** A supervised bpftrace: ready() once probes are attached, stop() to end it. */
export class BpftraceSource {
  readonly stats: SourceStats = { lines: 0, events: 0, malformed: 0, restarts: 0, lost: 0 };
  private child?: ChildProcess;
  private stopped = false;
  private readonly dir: string;
  private readonly programFile: string;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private isReady = false;
  private failure?: Error;
  private stderrTail: string[] = [];
  private lostNoticeAt = 0;
  private readonly done: Promise<void>;
  private finish!: () => void;
  /** Random per run: begins every event line, so no file name can forge one (see bpftraceProgram). */
  private readonly nonce: string;
  /** The last event line (exec or open): a following line without the nonce continues its path. */
  private pending: string | undefined;
  private launches = 0;

  constructor(private readonly opts: BpftraceOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "bulwark-bpftrace-"));
    this.programFile = join(this.dir, "watch.bt");
    this.nonce = randomBytes(4).toString("hex");
    writeFileSync(this.programFile, bpftraceProgram(process.pid, this.nonce, { containersOnly: !!opts.containersOnly, ...(opts.probes ? { probes: opts.probes } : {}) }), { mode: 0o600 });
    this.done = new Promise((r) => (this.finish = r));
    this.launch();
  }

  private launch(): void {
    const bin = this.opts.bpftrace ?? "bpftrace";
    const lines = new LineSplitter(1 << 16, (line) => this.onLine(line), () => this.stats.malformed++);
    // bpftrace's stdout is a FIFO in the private directory that the watcher polls (every 5-10 ms
    // while there is output, backing off to 40 ms when idle), not a pipe read as a stream: a
    // stream wakes the watcher for every write, i.e. every event (bpftrace -B line), which cost
    // more than handling the event; polled reads take what accumulated, up to 256 KiB at a time.
    const fifo = join(this.dir, `out-${this.launches++}`);
    const made = spawnSync("mkfifo", ["-m", "600", fifo], { stdio: "ignore" });
    if (made.status !== 0) {
      this.fail(new Error(`could not create a FIFO for bpftrace's output (mkfifo ${made.error?.message ?? `exit ${made.status}`})`));
      return;
    }
    // The read end first and non-blocking (polled); the write end is then opened at once and stays blocking (bpftrace waits when the FIFO is full, never loses output).
    const rfd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const wfd = openSync(fifo, constants.O_WRONLY);
    let child: ChildProcess;
    try {
      child = spawn(bin, ["-B", "line", this.programFile], {
        stdio: ["ignore", wfd, "pipe"],
        env: { ...process.env, BPFTRACE_STRLEN: String(PATH_BYTES), BPFTRACE_MAP_KEYS_MAX: "65536", BPFTRACE_PERF_RB_PAGES: String(this.opts.perfRbPages ?? 1024) },
      });
    } finally {
      closeSync(wfd);
    }
    this.child = child;
    const reader = new FifoReader(rfd, (chunk, drained) => {
      lines.push(chunk);
      // bpftrace writes each printf whole (line-buffered, under the FIFO's atomic size): when
      // the FIFO was drained, a path's continuation line came in the same read, so what is
      // pending is complete.
      if (drained) this.flushPending();
    });
    child.stderr!.setEncoding("utf8");
    const errLines = new LineSplitter(4096, (line) => {
      if (/RLIMIT_MEMLOCK/.test(line) || !line.trim()) return;
      if (this.lostLine(line)) return;
      this.stderrTail.push(line.trim());
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    child.stderr!.on("data", (chunk: string) => errLines.push(chunk));
    child.on("error", (e) => this.fail(new Error(`bpftrace could not start: ${e.message}`)));
    child.on("exit", (code, signal) => {
      reader.close();
      lines.end();
      this.flushPending();
      if (this.stopped) {
        this.finish();
        return;
      }
      const why = this.stderrTail.find((l) => /ERROR|error/.test(l)) ?? this.stderrTail[this.stderrTail.length - 1] ?? `exit ${code ?? signal}`;
      if (!this.isReady) {
        this.fail(new Error(`bpftrace failed before attaching its probes: ${why}`));
        return;
      }
      if (this.stats.restarts < (this.opts.maxRestarts ?? 3)) {
        this.stats.restarts++;
        this.opts.onNotice?.(`bpftrace exited (${why}); restarting (${this.stats.restarts})`);
        this.isReady = false;
        setTimeout(() => !this.stopped && this.launch(), 500 * this.stats.restarts).unref();
        return;
      }
      this.fail(new Error(`bpftrace exited and was restarted too often: ${why}`));
    });
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const w of this.readyWaiters) w.reject(e);
    this.readyWaiters = [];
    this.opts.onNotice?.(e.message);
    this.cleanup();
    this.finish();
  }

  /** bpftrace's text output reports lost events as "Lost N events". */
  private lostLine(line: string): boolean {
    const m = /^Lost (\d+) events$/.exec(line);
    if (!m) return false;
    this.stats.lost += Number(m[1]);
    // One notice per 10 s at most: the count goes into the summary anyway.
    if (Date.now() - this.lostNoticeAt > 10_000) {
      this.lostNoticeAt = Date.now();
      this.opts.onNotice?.(`bpftrace lost events (the kernel buffer was full): ${this.stats.lost} so far`);
    }
    return true;
  }

  private onLine(line: string): void {
    if (!line) return; // bpftrace separates its exit-time output with blank lines
    this.stats.lines++;
    const n = this.nonce.length;
    if (line.charCodeAt(n + 1) === 9 /* \t */ && line.startsWith(this.nonce, 1)) {
      const kind = line[0];
      this.flushPending();
      // Only exec and open lines end with a path that may hold a newline.
      if (kind === "X" || kind === "O") this.pending = line;
      else this.emit(line);
      return;
    }
    // bpftrace reports lost events on stdout, between event lines (never inside one): checked
    // before a path's continuation, and it ends the event before it (a file name whose line
    // after a newline reads exactly "Lost N events" is cut there; see docs/runtime.md, Limits).
    if (/^Lost \d+ events$/.test(line)) {
      this.flushPending();
      this.lostLine(line);
      return;
    }
    if (this.pending !== undefined) {
      // The rest of a path that held a newline.
      if (this.pending.length + line.length < 1 << 16) this.pending += "\n" + line;
      return;
    }
    if (line === `R${this.nonce}`) {
      this.isReady = true;
      for (const w of this.readyWaiters) w.resolve();
      this.readyWaiters = [];
      return;
    }
    if (/^Attaching \d+ probes/.test(line)) return;
    this.malformed(line);
  }

  private flushPending(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.emit(p);
  }

  private emit(line: string): void {
    const e = parseBpftraceLine(line, this.nonce);
    if (!e) {
      this.malformed(line);
      return;
    }
    this.stats.events++;
    this.opts.onEvent(e);
  }

  private malformed(line: string): void {
    this.stats.malformed++;
    if (this.stats.malformed <= 3 && process.env["BULWARK_DEBUG_BPFTRACE"]) this.opts.onNotice?.(`unparsed bpftrace line: ${JSON.stringify(line).slice(0, 300)}`);
  }

  /** Resolves when the probes are attached (bpftrace printed READY). */
  ready(timeoutMs = 30_000): Promise<void> {
    if (this.isReady) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`bpftrace did not attach its probes within ${timeoutMs / 1000} s`)), timeoutMs);
      this.readyWaiters.push({ resolve: () => (clearTimeout(t), resolve()), reject: (e) => (clearTimeout(t), reject(e)) });
    });
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Ends bpftrace (SIGINT lets it detach cleanly; SIGKILL after 3 s) and removes the program file. */
  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child?.pid) {
      const stat = readCapped(`/proc/${child.pid}/stat`, 4096);
      const rest = stat ? stat.slice(stat.lastIndexOf(")") + 2).split(" ") : [];
      if (rest.length > 13) this.stats.bpftraceCpuMs = ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await this.done;
      clearTimeout(t);
    }
    this.cleanup();
  }

  /** Resolves when bpftrace has ended for good. */
  closed(): Promise<void> {
    return this.done;
  }

  private cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
