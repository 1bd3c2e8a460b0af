// `bulwark runtime`: Falco-syntax rules over kernel events (bpftrace or auditd logs) and
// Kubernetes audit events. See docs/runtime.md.
import { closeSync, openSync, readlinkSync, readSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { posix } from "node:path";
import { UserError } from "../errors.js";
import { DEFAULT_RULES, DEFAULT_RULES_NAME } from "./default-rules.js";
import { RuleEngine, type Alert, type EngineStats } from "./engine.js";
import type { ImageFileIndex, RuntimeEvent, SyscallEvent } from "./event.js";
import { CgroupResolver, HostContext } from "./host.js";
import { ContainerImageFiles } from "./image-files.js";
import { RuleLoader, type CompiledRule, type LoadedRules, type RuleError } from "./rules/ruleset.js";
import { AuditParser } from "./sources/audit.js";
import { BpftraceSource, bpftraceUnavailable, SETID_TYPES, type BpftraceProbes, type SourceStats } from "./sources/bpftrace.js";
import { parseK8sAuditLine, startK8sAuditWebhook } from "./sources/k8s-audit.js";
import { LineSplitter } from "./sources/lines.js";

export type { Alert } from "./engine.js";
export type { RuntimeEvent, SyscallEvent, K8sAuditEvent, ImageFileIndex } from "./event.js";
export type { SourceStats } from "./sources/bpftrace.js";
export { DEFAULT_RULES } from "./default-rules.js";

/** Largest rules file read. */
const MAX_RULES_FILE = 8 << 20;

export interface RuleValidation {
  rules: Array<{ name: string; enabled: boolean; reason?: string; source: string; file: string; line: number }>;
  macros: string[];
  lists: string[];
  errors: RuleError[];
  warnings: RuleError[];
  summary: { files: number; rules: number; enabled: number; disabled: number; macros: number; lists: number; errors: number };
}

async function readRulesFile(path: string): Promise<string> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError("NOT_FOUND", `rules file not found: ${path}`);
  }
  if (!st.isFile()) throw new UserError("INPUT", `not a file: ${path}`);
  if (st.size > MAX_RULES_FILE) throw new UserError("LIMIT", `rules file ${path} is larger than ${MAX_RULES_FILE} bytes`);
  return readFile(path, "utf8");
}

/** Loads rule files in order (Bulwark's defaults first unless `defaults` is false). */
export async function loadRuntimeRules(files: string[], opts: { defaults?: boolean } = {}): Promise<LoadedRules> {
  const loader = new RuleLoader();
  if (opts.defaults !== false) loader.add(DEFAULT_RULES_NAME, DEFAULT_RULES);
  for (const f of files) loader.add(f, await readRulesFile(f));
  return loader.finish();
}

/** `bulwark runtime rules validate`: what loads, what runs, what does not and why. */
export async function validateRuleFiles(files: string[]): Promise<RuleValidation> {
  const r = await loadRuntimeRules(files, { defaults: files.length === 0 });
  const rules = r.rules.map((x) => ({ name: x.name, enabled: x.enabled, ...(x.reason && !x.enabled ? { reason: x.reason } : {}), source: x.source, file: x.file, line: x.line }));
  const enabled = rules.filter((x) => x.enabled).length;
  return {
    rules,
    macros: r.macros,
    lists: r.lists,
    errors: r.errors,
    warnings: r.warnings,
    summary: { files: files.length || 1, rules: rules.length, enabled, disabled: rules.length - enabled, macros: r.macros.length, lists: r.lists.length, errors: r.errors.length },
  };
}

export type RuntimeSource = "bpftrace" | "audit" | "k8s-audit";

export interface WatchOptions {
  source: RuntimeSource;
  /** Extra rule files (after the defaults). */
  rules?: string[];
  /** Leave Bulwark's default rules out. */
  noDefaultRules?: boolean;
  /** Stop after this many seconds (default: until `signal` aborts). */
  durationSeconds?: number;
  signal?: AbortSignal;
  onAlert(alert: Alert): void;
  onNotice?(message: string): void;
  /** Called once the source is attached (bpftrace probes in place, file opened, webhook listening). */
  onReady?(info: { source: RuntimeSource; activeRules: number; webhook?: string }): void;
  /** audit: the auditd log (default /var/log/audit/audit.log); k8s-audit: an audit log file. */
  auditLog?: string;
  /** Read the log from its start (default: only lines appended after start, like tail -f). */
  fromStart?: boolean;
  /** Stop at the end of the log instead of following it. */
  noFollow?: boolean;
  /** k8s-audit: listen for the API server's audit webhook on HOST:PORT. */
  webhookListen?: string;
  /** The drift rule's hook: the image file list of a container (default: ContainerImageFiles over `imageTargets`). */
  imageFiles?: (containerId: string) => ImageFileIndex | undefined;
  /** Images of containers by id, when the caller knows them (shown in alerts). */
  images?: Record<string, string>;
  /** Image targets by container id (exact, or a prefix of 12+ characters) for the drift rule's index; built before the source starts. */
  imageTargets?: Record<string, string>;
  /** Find other containers' images from the runtime's records for the drift rule (default true). */
  discoverImages?: boolean;
  dedupeSeconds?: number;
  ratePerRule?: number;
  bpftrace?: string;
  /** bpftrace's perf buffer per CPU, in pages (BPFTRACE_PERF_RB_PAGES; default 1024 = 4 MiB). */
  perfRbPages?: number;
  /** bpftrace: only tasks outside the host's PID namespace, filtered in the kernel (host rules see nothing). */
  containersOnly?: boolean;
  /** Called for every event before the rules (tests, debugging). */
  onEvent?(ev: RuntimeEvent): void;
  /**
   * bpftrace: attach every probe and keep failed opens, whatever the rules can match (default:
   * only what an enabled rule can match; see probesForRules). For onEvent consumers and debugging.
   */
  allEvents?: boolean;
  /** bpftrace: the source's live counters (lines, events, lost...), once the source is created (benchmarks). */
  onSourceStats?(stats: SourceStats): void;
}

export interface WatchSummary {
  source: RuntimeSource;
  seconds: number;
  engine: EngineStats;
  source_stats?: SourceStats;
  activeRules: number;
  /** CPU time of the watcher (user+system ms) and of bpftrace's own process, when known. */
  cpuMs: number;
}

/**
 * The kernel probes the enabled syscall rules can use: a probe no rule can match is not attached,
 * and failed opens are dropped in the kernel when no rule can match one (every open rule requires
 * fd.num >= 0 or the like, as Falco's open_read/open_write macros do). The exec probe is always
 * attached: it feeds the process table (argv and ancestors of later events).
 */
export function probesForRules(rules: CompiledRule[]): BpftraceProbes {
  const sys = rules.filter((r) => r.enabled && r.match && r.source === "syscall");
  const may = (types: readonly string[]) => sys.filter((r) => r.eventTypes === "all" || types.some((t) => (r.eventTypes as Set<string>).has(t)));
  const openRules = may(["open", "openat"]);
  return { open: openRules.length > 0, failedOpens: openRules.some((r) => r.failedOpens !== false), connect: may(["connect"]).length > 0, setid: may(SETID_TYPES).length > 0 };
}

/** What probesForRules leaves out, in words (undefined when nothing). */
function filteredOut(p: BpftraceProbes): string | undefined {
  const off = [p.open === false && "open/openat", p.connect === false && "connect", p.setid === false && "the setuid family"].filter(Boolean);
  const parts = [off.length ? `not tracing ${off.join(", ")} (no enabled rule can match them)` : "", p.open !== false && p.failedOpens === false ? "failed opens dropped in the kernel (no enabled rule can match one)" : ""].filter(Boolean);
  return parts.length ? `bpftrace: ${parts.join("; ")}` : undefined;
}

/** Why a source cannot run here, in one line (undefined when it can). */
export function runtimeSourceUnavailable(source: RuntimeSource, opts: { auditLog?: string; bpftrace?: string; webhookListen?: string } = {}): string | undefined {
  if (source === "bpftrace") return bpftraceUnavailable(opts.bpftrace);
  if (source === "audit") {
    const log = opts.auditLog ?? "/var/log/audit/audit.log";
    try {
      closeSync(openSync(log, "r"));
    } catch (e) {
      return `cannot read the audit log ${log} (${(e as NodeJS.ErrnoException).code ?? "error"}): is auditd running, and are we root?`;
    }
    return undefined;
  }
  if (!opts.auditLog && !opts.webhookListen) return "k8s-audit needs --audit-log FILE or --webhook-listen HOST:PORT";
  if (opts.auditLog) {
    try {
      closeSync(openSync(opts.auditLog, "r"));
    } catch (e) {
      return `cannot read the audit log ${opts.auditLog} (${(e as NodeJS.ErrnoException).code ?? "error"})`;
    }
  }
  return undefined;
}

/** Follows a text file (like tail -f) with bounded reads; calls onLine for each line. */
function followFile(path: string, fromStart: boolean, follow: boolean, onLine: (l: string) => void, onNotice: (m: string) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      onNotice(`cannot open ${path}: ${(e as Error).message}`);
      resolve();
      return;
    }
    let pos = fromStart ? 0 : statSync(path).size;
    const lines = new LineSplitter(1 << 20, onLine, () => onNotice(`a line of ${path} longer than 1 MiB was skipped`));
    const buf = Buffer.alloc(1 << 20);
    const tick = (): void => {
      try {
        for (let i = 0; i < 64; i++) {
          const size = statSync(path).size;
          if (size < pos) pos = 0; // rotated or truncated
          const n = readSync(fd, buf, 0, buf.length, pos);
          if (n <= 0) break;
          pos += n;
          lines.push(buf.subarray(0, n).toString("utf8"));
        }
      } catch (e) {
        onNotice(`reading ${path}: ${(e as Error).message}`);
      }
      if (!follow || signal.aborted) {
        lines.end();
        closeSync(fd);
        resolve();
        return;
      }
      setTimeout(tick, 200);
    };
    tick();
  });
}

/** Runs the watcher until the duration ends or the signal aborts. */
export async function watchRuntime(opts: WatchOptions): Promise<WatchSummary> {
  const rules = await loadRuntimeRules(opts.rules ?? [], { defaults: !opts.noDefaultRules });
  if (rules.errors.length) {
    const e = rules.errors[0]!;
    throw new UserError("INPUT", `${e.file}:${e.line}:${e.col}: ${e.message}${rules.errors.length > 1 ? ` (and ${rules.errors.length - 1} more errors; run bulwark runtime rules validate)` : ""}`);
  }
  const notice = opts.onNotice ?? (() => {});
  const unavailable = runtimeSourceUnavailable(opts.source, opts);
  if (unavailable) throw new UserError("UNSUPPORTED", `runtime source ${opts.source} cannot run: ${unavailable}`);
  let imageFiles = opts.imageFiles;
  if (!imageFiles && opts.source !== "k8s-audit" && rules.rules.some((r) => r.enabled && r.fields?.has("proc.is_exe_upper_layer"))) {
    const files = new ContainerImageFiles({ targets: opts.imageTargets ?? {}, discover: opts.discoverImages !== false, onNotice: notice });
    imageFiles = (id) => files.lookup(id);
    // Explicit targets are indexed before events flow, so the first exec is judged already.
    const keys = Object.keys(opts.imageTargets ?? {});
    if (keys.length) {
      await Promise.all(keys.map((k) => files.build(k)));
      const ok = keys.filter((k) => !files.failure(k)).length;
      notice(`drift rule: image indexes ready for ${ok} of ${keys.length} containers`);
    }
  }
  const ctx = new HostContext({ ...(imageFiles ? { imageFiles } : {}) });
  for (const [id, image] of Object.entries(opts.images ?? {})) ctx.registerContainer({ id, image });
  const engine = new RuleEngine(rules, ctx, { onAlert: opts.onAlert, onNotice: notice, dedupeSeconds: opts.dedupeSeconds ?? 60, ratePerRule: opts.ratePerRule ?? 20 });
  const wanted = opts.source === "k8s-audit" ? "k8s_audit" : "syscall";
  if (!rules.rules.some((r) => r.enabled && r.source === wanted)) notice(`no enabled rule reads ${wanted} events`);
  const handle = (ev: RuntimeEvent): void => {
    opts.onEvent?.(ev);
    engine.handle(ev);
  };

  const start = Date.now();
  const cpu0 = process.cpuUsage();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();
  const timer = opts.durationSeconds !== undefined ? setTimeout(() => stop.abort(), opts.durationSeconds * 1000) : undefined;
  const stopped = new Promise<void>((r) => stop.signal.addEventListener("abort", () => r(), { once: true }));
  let sourceStats: SourceStats | undefined;
  try {
    if (opts.source === "bpftrace") {
      const cgroups = new CgroupResolver();
      const probes = opts.allEvents ? undefined : probesForRules(rules.rules);
      const filtered = probes && filteredOut(probes);
      if (filtered) notice(filtered);
      const src = new BpftraceSource({
        ...(probes ? { probes } : {}),
        ...(opts.bpftrace ? { bpftrace: opts.bpftrace } : {}),
        ...(opts.perfRbPages ? { perfRbPages: opts.perfRbPages } : {}),
        ...(opts.containersOnly ? { containersOnly: true } : {}),
        onNotice: notice,
        onEvent: ({ ev, cgroupId, dirfd }) => {
          const id = cgroups.resolve(cgroupId);
          if (id) ev.containerId = id;
          // A relative open(at) path: resolve against the working directory while the process lives.
          if (ev.fd?.name && !ev.fd.name.startsWith("/") && dirfd === -100) {
            try {
              const cwd = readlinkSync(`/proc/${ev.proc.pid}/cwd`);
              ev.fd.name = `${cwd.replace(/\/$/, "")}/${ev.fd.name}`;
            } catch {
              // Gone: keep the relative name.
            }
          }
          // fd.name is the normalised path, as Falco's ("/tmp/../etc/shadow" is /etc/shadow);
          // evt.arg.name keeps what the process passed.
          const name = ev.fd?.name;
          if (name?.startsWith("/") && (name.includes("/.") || name.includes("//"))) ev.fd!.name = posix.normalize(name);
          handle(ev);
        },
      });
      sourceStats = src.stats;
      opts.onSourceStats?.(src.stats);
      try {
        await Promise.race([src.ready(), stopped]);
      } catch (e) {
        await src.stop();
        throw new UserError("UNSUPPORTED", `runtime source bpftrace cannot run: ${(e as Error).message}`);
      }
      opts.onReady?.({ source: "bpftrace", activeRules: engine.activeRules });
      await Promise.race([stopped, src.closed()]);
      await src.stop();
      if (src.error && !stop.signal.aborted) throw new UserError("UNSUPPORTED", src.error.message);
    } else if (opts.source === "audit") {
      const parser = new AuditParser((ev: SyscallEvent) => handle(ev));
      opts.onReady?.({ source: "audit", activeRules: engine.activeRules });
      await followFile(opts.auditLog ?? "/var/log/audit/audit.log", !!opts.fromStart, !opts.noFollow, (l) => parser.push(l), notice, stop.signal);
      parser.end();
    } else {
      let server: Server | undefined;
      let webhook: string | undefined;
      if (opts.webhookListen) {
        const m = /^(.*):(\d+)$/.exec(opts.webhookListen);
        if (!m) throw new UserError("USAGE", `--webhook-listen must be HOST:PORT, got "${opts.webhookListen}"`);
        server = await startK8sAuditWebhook({ host: m[1]!.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(m[2]) }, handle);
        const a = server.address();
        webhook = typeof a === "object" && a ? `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}/` : undefined;
      }
      opts.onReady?.({ source: "k8s-audit", activeRules: engine.activeRules, ...(webhook ? { webhook } : {}) });
      const tasks: Promise<void>[] = [];
      if (opts.auditLog) tasks.push(followFile(opts.auditLog, !!opts.fromStart, !opts.noFollow, (l) => {
        const ev = parseK8sAuditLine(l);
        if (ev) handle(ev);
      }, notice, stop.signal));
      if (server) tasks.push(stopped);
      await Promise.all(tasks);
      if (server) await new Promise<void>((r) => server!.close(() => r()));
    }
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
  const cpu = process.cpuUsage(cpu0);
  const summary: WatchSummary = { source: opts.source, seconds: (Date.now() - start) / 1000, engine: engine.stats, activeRules: engine.activeRules, cpuMs: (cpu.user + cpu.system) / 1000 };
  if (sourceStats) summary.source_stats = sourceStats;
  return summary;
}
