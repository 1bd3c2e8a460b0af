// `bulwark runtime watch` and `bulwark runtime rules validate` (docs/runtime.md).
import { closeSync, openSync, writeSync } from "node:fs";
import { type Command, Option } from "commander";
import { loadRuntime, ServerAlertSink, UserError, runtimeAlertsUrl, type RuntimeAlert, type RuntimeSource, type RuntimeWatchOptions } from "../index.js";
import { writeOutput } from "./output.js";

export interface RuntimeHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

interface WatchFlags {
  rules?: string[];
  defaultRules: boolean;
  source: string;
  duration?: string;
  format: string;
  output?: string;
  webhook?: string;
  auditLog?: string;
  webhookListen?: string;
  fromStart?: boolean;
  follow: boolean;
  image?: string[];
  imageDiscovery: boolean;
  dedupe: string;
  rate: string;
  perfRbPages?: string;
  containersOnly?: boolean;
  server?: string;
  token?: string;
  quiet?: boolean;
  debug?: boolean;
}

/** A URL as it may be printed: without user information. */
function safeUrl(u: string): string {
  try {
    const url = new URL(u);
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** Posts alerts to a webhook one at a time; a bounded queue, drops (counted) when full. */
class WebhookSender {
  private queue: string[] = [];
  private busy = false;
  dropped = 0;
  failed = 0;
  private idle: Array<() => void> = [];
  private readonly target: string;
  private readonly headers: Record<string, string> = { "content-type": "application/json" };
  constructor(
    private readonly url: string,
    private readonly notice: (m: string) => void,
  ) {
    // fetch refuses URLs with credentials: send them as Basic authentication instead.
    const u = new URL(url);
    if (u.username || u.password) {
      this.headers["authorization"] = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}`;
      u.username = "";
      u.password = "";
    }
    this.target = u.toString();
  }
  send(body: string): void {
    if (this.queue.length >= 1000) {
      this.dropped++;
      return;
    }
    this.queue.push(body);
    void this.pump();
  }
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (this.queue.length) {
      const body = this.queue.shift()!;
      try {
        const res = await fetch(this.target, { method: "POST", headers: this.headers, body, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } catch (e) {
        this.failed++;
        if (this.failed === 1 || this.failed % 100 === 0) this.notice(`webhook ${safeUrl(this.url)}: ${(e as Error).message} (${this.failed} failed)`);
      }
    }
    this.busy = false;
    for (const r of this.idle.splice(0)) r();
  }
  async flush(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }
}

const clean = (s: string): string => s.replace(/\p{Cc}/gu, "?");

export function registerRuntime(program: Command, hooks: RuntimeHooks): void {
  const runtime = program.command("runtime").description("runtime threat detection: Falco-syntax rules on kernel events and Kubernetes audit events");

  runtime
    .command("watch")
    .description("watch kernel events (bpftrace or auditd) or Kubernetes audit events and print alerts as JSON lines")
    .option("--rules <file>", "Falco-syntax rules file, after Bulwark's defaults (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--no-default-rules", "do not load Bulwark's default rules")
    .addOption(new Option("--source <source>", "event source").choices(["bpftrace", "audit", "k8s-audit"]).default("bpftrace"))
    .option("--duration <seconds>", "stop after this many seconds (default: until interrupted)")
    .addOption(new Option("--format <format>", "alert format").choices(["json", "text"]).default("json"))
    .option("-o, --output <file>", "append alerts to this file instead of stdout")
    .option("--webhook <url>", "also POST each alert (JSON) to this URL")
    .option("--server <url>", "also send alerts to a Bulwark server (POST /api/v1/alerts, batched, retried)")
    .option("--token <token>", "API token (scanner role) for --server (default: $BULWARK_TOKEN)")
    .option("--audit-log <file>", "audit: the auditd log (default /var/log/audit/audit.log); k8s-audit: a Kubernetes audit log (JSON lines)")
    .option("--webhook-listen <host:port>", "k8s-audit: receive the API server's audit webhook here")
    .option("--from-start", "read the audit log from its beginning (default: only new lines)")
    .option("--no-follow", "stop at the end of the audit log")
    .option("--image <id=target>", "the image a container was started from (an image target: oci:DIR, docker-archive:FILE, a registry reference, rootfs:DIR), by container id or a 12+ character prefix; names it in alerts and gives the drift rule its file list (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--no-image-discovery", "drift rule: do not look up other containers' images in the runtime's records (podman, image-name annotations)")
    .option("--dedupe <seconds>", "emit identical alerts once per this many seconds (0 = off)", "60")
    .option("--rate <n>", "at most n alerts per second per rule (0 = no limit)", "20")
    .option("--containers-only", "bpftrace: drop the host's own processes in the kernel (only tasks in a PID namespace other than the host's)")
    .option("--perf-rb-pages <n>", "bpftrace: perf buffer pages per CPU (a power of two; default 1024 = 4 MiB)")
    .option("-q, --quiet", "no notices or summary on stderr")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: WatchFlags) => {
      hooks.setDebug(!!flags.debug);
      const num = (v: string | undefined, name: string, max: number): number | undefined => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > max) throw new UserError("USAGE", `${name} must be a number between 0 and ${max}, got "${v}"`);
        return n;
      };
      const notice = (m: string): void => {
        if (!flags.quiet) process.stderr.write(`bulwark: ${clean(m)}\n`);
      };
      if (flags.webhook) {
        let u: URL;
        try {
          u = new URL(flags.webhook);
        } catch {
          throw new UserError("USAGE", "--webhook must be an http:// or https:// URL");
        }
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new UserError("USAGE", "--webhook must be an http:// or https:// URL");
      }
      const images: Record<string, string> = {};
      for (const i of flags.image ?? []) {
        const eq = i.indexOf("=");
        if (eq <= 0 || eq === i.length - 1) throw new UserError("USAGE", `--image must be CONTAINER_ID=TARGET, got "${clean(i)}"`);
        images[i.slice(0, eq)] = i.slice(eq + 1);
      }
      const sink = flags.server ? new ServerAlertSink(runtimeAlertsUrl(flags.server, flags.token ?? process.env.BULWARK_TOKEN), (flags.token ?? process.env.BULWARK_TOKEN)!, { onNotice: notice }) : undefined;
      const fd = flags.output ? openSync(flags.output, "a", 0o600) : undefined;
      const hook = flags.webhook ? new WebhookSender(flags.webhook, notice) : undefined;
      const write = (a: RuntimeAlert): void => {
        const line = flags.format === "json" ? JSON.stringify(a) + "\n" : `${a.time} ${a.priority} ${a.rule}: ${clean(a.output)}\n`;
        if (fd !== undefined) writeSync(fd, line);
        else process.stdout.write(line);
        hook?.send(JSON.stringify(a));
        sink?.send(a);
      };
      const ac = new AbortController();
      const onSig = (): void => ac.abort();
      process.once("SIGINT", onSig);
      process.once("SIGTERM", onSig);
      const opts: RuntimeWatchOptions = {
        source: flags.source as RuntimeSource,
        rules: flags.rules ?? [],
        noDefaultRules: !flags.defaultRules,
        signal: ac.signal,
        onAlert: write,
        onNotice: notice,
        onReady: (r) => notice(`runtime watch: ${r.source} ready, ${r.activeRules} rules active${r.webhook ? `, audit webhook at ${r.webhook}` : ""}`),
        images,
        imageTargets: images,
        ...(flags.containersOnly ? { containersOnly: true } : {}),
        discoverImages: flags.imageDiscovery,
        dedupeSeconds: num(flags.dedupe, "--dedupe", 86_400) ?? 60,
        ratePerRule: num(flags.rate, "--rate", 1_000_000) ?? 20,
        fromStart: !!flags.fromStart,
        noFollow: !flags.follow,
      };
      const duration = num(flags.duration, "--duration", 31_536_000);
      if (duration !== undefined) opts.durationSeconds = duration;
      if (flags.auditLog) opts.auditLog = flags.auditLog;
      if (flags.perfRbPages !== undefined) {
        const pages = Number(flags.perfRbPages);
        if (!Number.isInteger(pages) || pages < 1 || pages > 65536 || (pages & (pages - 1)) !== 0) throw new UserError("USAGE", `--perf-rb-pages must be a power of two between 1 and 65536, got "${flags.perfRbPages}"`);
        opts.perfRbPages = pages;
      }
      if (flags.webhookListen) opts.webhookListen = flags.webhookListen;
      try {
        const s = await (await loadRuntime()).watchRuntime(opts);
        await hook?.flush();
        const sent = await sink?.close();
        const src = s.source_stats;
        notice(
          `runtime watch: ${s.engine.events} events in ${s.seconds.toFixed(1)} s, ${s.engine.alerts} alerts (${s.engine.deduplicated} duplicates, ${s.engine.rateLimited} rate-limited)` +
            (src ? `, bpftrace: ${src.lost} lost, ${src.malformed} malformed, ${src.restarts} restarts` : "") +
            `, watcher CPU ${(s.cpuMs / 1000).toFixed(2)} s` +
            (hook && (hook.dropped || hook.failed) ? `, webhook: ${hook.failed} failed, ${hook.dropped} dropped` : "") +
            (sent ? `, server: ${sent.sent} sent, ${sent.queued} unsent, ${sent.dropped} dropped, ${sent.rejected} refused, ${sent.failures} failed requests` : ""),
        );
      } finally {
        process.off("SIGINT", onSig);
        process.off("SIGTERM", onSig);
        if (fd !== undefined) closeSync(fd);
      }
    });

  const rules = runtime.command("rules").description("runtime rule files (Falco syntax)");
  rules
    .command("validate")
    .description("load Falco-syntax rule files and report which rules run, which are disabled and why (exit 1 on errors)")
    .argument("[files...]", "rule files, loaded in order (none: Bulwark's default rules)")
    .addOption(new Option("--format <format>", "output format").choices(["json", "text"]).default("text"))
    .option("--debug", "show stack traces on errors")
    .action(async (files: string[], flags: { format: string; debug?: boolean }) => {
      hooks.setDebug(!!flags.debug);
      const v = await (await loadRuntime()).validateRuleFiles(files);
      if (flags.format === "json") {
        await writeOutput(JSON.stringify(v, null, 2) + "\n", undefined);
      } else {
        const lines: string[] = [];
        for (const e of v.errors) lines.push(`error: ${e.file}:${e.line}:${e.col}: ${clean(e.message)}\n`);
        for (const w of v.warnings) lines.push(`warning: ${w.file}:${w.line}:${w.col}: ${clean(w.message)}\n`);
        for (const r of v.rules) lines.push(`${r.enabled ? "enabled " : "disabled"}  ${clean(r.name)}${r.reason ? `  (${clean(r.reason)})` : ""}\n`);
        lines.push(`${v.summary.rules} rules: ${v.summary.enabled} enabled, ${v.summary.disabled} disabled; ${v.summary.macros} macros, ${v.summary.lists} lists; ${v.summary.errors} errors\n`);
        await writeOutput(lines.join(""), undefined);
      }
      if (v.errors.length) hooks.exit(1);
    });
}
