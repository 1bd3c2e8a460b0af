// Kernel events through bpftrace: Bulwark writes a bpftrace program to a file, runs
// `bpftrace -f json FILE` as a supervised child (execFile-style, argument array) and parses its
// JSON lines. No native addon; bpftrace does the BPF work.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { SyscallEvent } from "../event.js";
import { readCapped } from "../host.js";
import { LineSplitter } from "./lines.js";

/** Longest argv text and path bpftrace copies (bytes). */
export const ARGS_BYTES = 160;
/** Longest path bpftrace copies (BPFTRACE_STRLEN; more overflows the 512-byte BPF stack of the exec probe). */
export const PATH_BYTES = 96;

/**
 * The program. Every line is `KIND\tnumbers...\tstrings`, with the only free-form string (a
 * path) last so a tab inside it cannot shift the other fields; comm and argv are printed with
 * %r (bpftrace's buf(): non-printable bytes as \xNN), which cannot hold a tab either.
 * Events of the watcher's own process and of bpftrace are dropped in the kernel.
 */
export function bpftraceProgram(selfPid: number): string {
  const not = `/pid != ${selfPid} && comm != "bpftrace"/`;
  const head = `pid, tid, curtask->real_parent->tgid, uid, curtask->loginuid.val, cgroup, curtask->nsproxy->pid_ns_for_children->ns.inum`;
  const headFmt = `%d\\t%d\\t%d\\t%d\\t%u\\t%llu\\t%u`;
  const setid = (name: string, n: number, argList: string[]) =>
    `tracepoint:syscalls:sys_enter_${name} ${not} { printf("U\\t${headFmt}\\t%d\\t%d\\t%d\\t%d\\t%r\\t%r\\n", ${head}, ${n}, ${argList.map((a) => `(int64)args->${a}`).concat(["-1", "-1", "-1"]).slice(0, 3).join(", ")}, buf(comm, 16), buf(curtask->real_parent->comm, 16)); }`;
  return [
    `BEGIN { printf("READY\\n"); }`,
    // Exec: after the new image is in place, with its argv read from the new mm.
    `tracepoint:sched:sched_process_exec ${not} {`,
    `  $mm = curtask->mm; $n = $mm->arg_end - $mm->arg_start;`,
    `  printf("X\\t${headFmt}\\t%r\\t%r\\t%r\\t%s\\n", ${head}, buf(comm, 16), buf(curtask->real_parent->comm, 16), buf(uptr($mm->arg_start), $n > ${ARGS_BYTES} ? ${ARGS_BYTES} : $n), str(args->filename));`,
    `}`,
    // open/openat: the path and flags at entry, reported with the result at exit.
    `tracepoint:syscalls:sys_enter_openat ${not} { @of[tid] = args->filename; @ofl[tid] = args->flags; @od[tid] = args->dfd; @ok[tid] = 0; }`,
    `tracepoint:syscalls:sys_enter_open ${not} { @of[tid] = args->filename; @ofl[tid] = args->flags; @od[tid] = -100; @ok[tid] = 1; }`,
    `tracepoint:syscalls:sys_exit_openat, tracepoint:syscalls:sys_exit_open /@of[tid] != 0/ {`,
    `  printf("O\\t${headFmt}\\t%d\\t%d\\t%d\\t%d\\t%r\\t%r\\t%s\\n", ${head}, @ok[tid], @od[tid], @ofl[tid], args->ret, buf(comm, 16), buf(curtask->real_parent->comm, 16), str(uptr(@of[tid])));`,
    `  delete(@of[tid]); delete(@ofl[tid]); delete(@od[tid]); delete(@ok[tid]);`,
    `}`,
    // connect: the address at entry; at exit the result and the socket's protocol and local side.
    `tracepoint:syscalls:sys_enter_connect ${not} { @cs[tid] = args->uservaddr; @cfd[tid] = args->fd; }`,
    `tracepoint:syscalls:sys_exit_connect /@cs[tid] != 0/ {`,
    `  $sa = (struct sockaddr_in *)@cs[tid]; $fam = $sa->sin_family;`,
    `  $file = *(curtask->files->fdt->fd + @cfd[tid]); $sk = ((struct socket *)$file->private_data)->sk;`,
    `  if ($fam == 2) {`,
    `    printf("C\\t${headFmt}\\t4\\t%d\\t%d\\t%d\\t%d\\t%d\\t%d\\t%r\\t%r\\t%s\\t%s\\n", ${head}, @cfd[tid], args->ret, $sk->sk_protocol, $sk->sk_type, (($sa->sin_port & 0xff) << 8) | ($sa->sin_port >> 8), $sk->__sk_common.skc_num, buf(comm, 16), buf(curtask->real_parent->comm, 16), ntop(2, $sa->sin_addr.s_addr), ntop(2, $sk->__sk_common.skc_rcv_saddr));`,
    `  } else if ($fam == 10) {`,
    `    $s6 = (struct sockaddr_in6 *)@cs[tid];`,
    `    printf("C\\t${headFmt}\\t6\\t%d\\t%d\\t%d\\t%d\\t%d\\t%d\\t%r\\t%r\\t%s\\t%s\\n", ${head}, @cfd[tid], args->ret, $sk->sk_protocol, $sk->sk_type, (($s6->sin6_port & 0xff) << 8) | ($s6->sin6_port >> 8), $sk->__sk_common.skc_num, buf(comm, 16), buf(curtask->real_parent->comm, 16), ntop(10, $s6->sin6_addr.in6_u.u6_addr8), ntop(10, $sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8));`,
    `  }`,
    `  delete(@cs[tid]); delete(@cfd[tid]);`,
    `}`,
    setid("setuid", 0, ["uid"]),
    setid("setgid", 1, ["gid"]),
    setid("setreuid", 2, ["ruid", "euid"]),
    setid("setregid", 3, ["rgid", "egid"]),
    setid("setresuid", 4, ["ruid", "euid", "suid"]),
    setid("setresgid", 5, ["rgid", "egid", "sgid"]),
    `END { clear(@of); clear(@ofl); clear(@od); clear(@ok); clear(@cs); clear(@cfd); }`,
    "",
  ].join("\n");
}

const SETID = ["setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid"] as const;
const SETID_ARGS: Record<string, string[]> = {
  setuid: ["uid"],
  setgid: ["gid"],
  setreuid: ["ruid", "euid"],
  setregid: ["rgid", "egid"],
  setresuid: ["ruid", "euid", "suid"],
  setresgid: ["rgid", "egid", "sgid"],
};

/** bpftrace's buf() text: printable bytes as-is, others as \xNN. */
export function decodeBuf(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      out.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(...Buffer.from(s[i]!, "utf8"));
  }
  return Buffer.from(out);
}
const cstr = (s: string): string => {
  const b = decodeBuf(s);
  const z = b.indexOf(0);
  return (z < 0 ? b : b.subarray(0, z)).toString("utf8");
};

/** Linux open(2) flags as Falco prints them. */
export function openFlags(flags: number): string {
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

/** Parses one printf line of the program above (without the JSON wrapping). */
export function parseBpftraceLine(data: string, now = Date.now()): RawEvent | undefined {
  const line = data.endsWith("\n") ? data.slice(0, -1) : data;
  const kind = line.slice(0, line.indexOf("\t"));
  const f = line.split("\t");
  const num = (i: number): number => Number(f[i]);
  const head = () => {
    const proc = { pid: num(1), tid: num(2), ppid: num(3), uid: num(4), loginuid: num(5), pidns: num(7), name: "" };
    return { proc, cgroupId: f[6] ?? "0" };
  };
  // The last field (a path) may hold tabs: join what is left.
  const tail = (from: number): string => f.slice(from).join("\t");
  switch (kind) {
    case "X": {
      if (f.length < 12) return undefined;
      const { proc, cgroupId } = head();
      proc.name = cstr(f[8]!);
      const argv = decodeBuf(f[10]!).toString("utf8").split("\0");
      if (argv.length && argv[argv.length - 1] === "") argv.pop();
      const exepath = tail(11);
      const ev: SyscallEvent = {
        source: "syscall", time: now, type: "execve", dir: "<", res: 0, origin: "bpftrace", args: { filename: exepath },
        proc: { ...proc, pname: cstr(f[9]!), exe: argv[0] ?? exepath, exepath, args: argv.slice(1) },
      };
      return { ev, cgroupId };
    }
    case "O": {
      if (f.length < 15) return undefined;
      const { proc, cgroupId } = head();
      const isOpen = num(8) === 1;
      const dirfd = num(9);
      const flags = num(10) >>> 0;
      const res = num(11);
      proc.name = cstr(f[12]!);
      const path = tail(14);
      const ev: SyscallEvent = {
        source: "syscall", time: now, type: isOpen ? "open" : "openat", dir: "<", res, origin: "bpftrace",
        args: { name: path, flags: openFlags(flags), flags_raw: flags, fd: res, dirfd },
        proc: { ...proc, pname: cstr(f[13]!) },
        fd: { num: res, name: path, typechar: flags & 0o200000 ? "d" : "f" },
      };
      return { ev, cgroupId, dirfd };
    }
    case "C": {
      if (f.length < 19) return undefined;
      const { proc, cgroupId } = head();
      const family = f[8] === "6" ? "6" : "4";
      const res = num(10);
      const protocol = num(11);
      const sockType = num(12);
      const dport = num(13);
      const sport = num(14);
      proc.name = cstr(f[15]!);
      const dip = f[17]!;
      const sip = f[18]!;
      const l4proto = protocol === 6 ? "tcp" : protocol === 17 ? "udp" : protocol === 1 || protocol === 58 ? "icmp" : sockType === 3 ? "raw" : undefined;
      const fmt = (ip: string, port: number) => (family === "6" ? `[${ip}]:${port}` : `${ip}:${port}`);
      const ev: SyscallEvent = {
        source: "syscall", time: now, type: "connect", dir: "<", res, origin: "bpftrace",
        args: { fd: num(9), addr: fmt(dip, dport), res },
        proc: { ...proc, pname: cstr(f[16]!) },
        fd: { num: num(9), name: `${fmt(sip, sport)}->${fmt(dip, dport)}`, typechar: family, socket: { family, sip, sport, dip, dport, ...(l4proto ? { l4proto } : {}) } },
      };
      return { ev, cgroupId };
    }
    case "U": {
      if (f.length < 14) return undefined;
      const { proc, cgroupId } = head();
      const type = SETID[num(8)];
      if (!type) return undefined;
      proc.name = cstr(f[12]!);
      const args: Record<string, number> = {};
      SETID_ARGS[type]!.forEach((name, i) => (args[name] = num(9 + i)));
      const ev: SyscallEvent = { source: "syscall", time: now, type, dir: ">", origin: "bpftrace", args, proc: { ...proc, pname: cstr(f[13]!) } };
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

  constructor(private readonly opts: BpftraceOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "bulwark-bpftrace-"));
    this.programFile = join(this.dir, "watch.bt");
    writeFileSync(this.programFile, bpftraceProgram(process.pid), { mode: 0o600 });
    this.done = new Promise((r) => (this.finish = r));
    this.launch();
  }

  private launch(): void {
    const bin = this.opts.bpftrace ?? "bpftrace";
    const child = spawn(bin, ["-B", "line", "-f", "json", this.programFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, BPFTRACE_STRLEN: String(PATH_BYTES), BPFTRACE_MAP_KEYS_MAX: "65536", BPFTRACE_PERF_RB_PAGES: "1024" },
    });
    this.child = child;
    const lines = new LineSplitter(1 << 16, (line) => this.onLine(line), () => this.stats.malformed++);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => lines.push(chunk));
    child.stderr!.setEncoding("utf8");
    const errLines = new LineSplitter(4096, (line) => {
      if (/RLIMIT_MEMLOCK/.test(line) || !line.trim()) return;
      this.stderrTail.push(line.trim());
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    child.stderr!.on("data", (chunk: string) => errLines.push(chunk));
    child.on("error", (e) => this.fail(new Error(`bpftrace could not start: ${e.message}`)));
    child.on("exit", (code, signal) => {
      lines.end();
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

  private onLine(line: string): void {
    if (!line.trim()) return; // bpftrace separates its exit-time output with blank lines
    this.stats.lines++;
    let msg: { type?: string; data?: unknown };
    try {
      msg = JSON.parse(line) as { type?: string; data?: unknown };
    } catch {
      this.stats.malformed++;
      if (this.stats.malformed <= 3 && process.env["BULWARK_DEBUG_BPFTRACE"]) this.opts.onNotice?.(`unparsed bpftrace output: ${JSON.stringify(line).slice(0, 300)}`);
      return;
    }
    if (msg.type === "printf" && typeof msg.data === "string") {
      if (msg.data === "READY\n") {
        this.isReady = true;
        for (const w of this.readyWaiters) w.resolve();
        this.readyWaiters = [];
        return;
      }
      const e = parseBpftraceLine(msg.data);
      if (!e) {
        this.stats.malformed++;
        if (this.stats.malformed <= 3 && process.env["BULWARK_DEBUG_BPFTRACE"]) this.opts.onNotice?.(`unparsed bpftrace line: ${JSON.stringify(msg.data).slice(0, 300)}`);
        return;
      }
      this.stats.events++;
      this.opts.onEvent(e);
    } else if (msg.type === "lost_events") {
      const n = Number((msg.data as { events?: number })?.events ?? 0);
      this.stats.lost += n;
      // One notice per 10 s at most: the count goes into the summary anyway.
      if (Date.now() - this.lostNoticeAt > 10_000) {
        this.lostNoticeAt = Date.now();
        this.opts.onNotice?.(`bpftrace lost events (the kernel buffer was full): ${this.stats.lost} so far`);
      }
    }
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
