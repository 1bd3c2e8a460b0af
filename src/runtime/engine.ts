// Runs a rule set over events: rules indexed by event type, alerts rendered from the rule's
// output, de-duplicated and rate-limited.
import type { RuntimeEvent, SyscallEvent } from "./event.js";
import { shortContainerId, type FieldContext, type FieldValue } from "./rules/fields.js";
import { renderOutput, type CompiledRule, type LoadedRules, type Priority } from "./rules/ruleset.js";

export interface Alert {
  time: string;
  rule: string;
  priority: Priority;
  source: string;
  tags: string[];
  hostname: string;
  output: string;
  container: { id: string; name?: string; image?: string };
  /** The event's main fields and every field the output names. */
  output_fields: Record<string, FieldValue | null>;
  /** Alerts of the same rule, container and output suppressed before this one (de-duplication). */
  suppressed?: number;
}

export interface EngineOptions {
  /** Identical alerts (rule, container, output) within this window are emitted once. Default 60 s; 0 = off. */
  dedupeSeconds?: number;
  /** Per-rule rate limit: alerts per second (token bucket with a burst of 10× this). Default 20. */
  ratePerRule?: number;
  onAlert(alert: Alert): void;
  onNotice?(message: string): void;
}

export interface EngineStats {
  events: number;
  alerts: number;
  deduplicated: number;
  rateLimited: number;
  evaluations: number;
}

const CORE_FIELDS: Record<string, string[]> = {
  syscall: ["evt.type", "evt.dir", "evt.res", "proc.pid", "proc.ppid", "proc.name", "proc.exepath", "proc.cmdline", "proc.pname", "user.uid", "user.name", "fd.name", "container.id", "container.name", "container.image.repository"],
  k8s_audit: ["ka.verb", "ka.user.name", "ka.target.resource", "ka.target.subresource", "ka.target.namespace", "ka.target.name", "ka.response.code", "ka.auth.decision"],
};

export class RuleEngine {
  readonly stats: EngineStats = { events: 0, alerts: 0, deduplicated: 0, rateLimited: 0, evaluations: 0 };
  private readonly byType = new Map<string, CompiledRule[]>();
  private readonly anyType = new Map<string, CompiledRule[]>();
  private readonly recent = new Map<string, { until: number; suppressed: number }>();
  private readonly buckets = new Map<string, { tokens: number; at: number; dropping: boolean }>();
  private num = 0;

  constructor(
    rules: LoadedRules,
    private readonly ctx: FieldContext & { noteExec?(ev: SyscallEvent): void; enrich?(ev: SyscallEvent): void },
    private readonly opts: EngineOptions,
  ) {
    for (const r of rules.rules) {
      if (!r.enabled || !r.match) continue;
      if (r.eventTypes === "all") push(this.anyType, r.source, r);
      else for (const t of r.eventTypes) push(this.byType, `${r.source}:${t}`, r);
    }
  }

  /** Rules that will run, per source. */
  get activeRules(): number {
    const s = new Set<CompiledRule>();
    for (const l of [...this.byType.values(), ...this.anyType.values()]) for (const r of l) s.add(r);
    return s.size;
  }

  handle(ev: RuntimeEvent): void {
    this.stats.events++;
    (ev as { num?: number }).num = ++this.num;
    if (ev.source === "syscall") {
      if (ev.type === "execve") this.ctx.noteExec?.(ev);
      else this.ctx.enrich?.(ev);
    }
    const type = ev.source === "syscall" ? ev.type : "k8s_audit";
    const typed = this.byType.get(`${ev.source}:${type}`);
    const any = this.anyType.get(ev.source);
    if (typed) for (const r of typed) this.run(r, ev);
    if (any) for (const r of any) this.run(r, ev);
  }

  private run(r: CompiledRule, ev: RuntimeEvent): void {
    this.stats.evaluations++;
    let hit: boolean;
    try {
      hit = r.match!(ev, this.ctx);
    } catch {
      hit = false;
    }
    if (hit) this.alert(r, ev);
  }

  private alert(r: CompiledRule, ev: RuntimeEvent): void {
    const rendered = renderOutput(r.output, ev, this.ctx);
    const cid = ev.source === "syscall" ? ev.containerId : undefined;
    const now = ev.time;
    const dedupe = (this.opts.dedupeSeconds ?? 60) * 1000;
    const key = `${r.name}\0${cid ?? ""}\0${rendered.text}`;
    let suppressed = 0;
    if (dedupe > 0) {
      const seen = this.recent.get(key);
      if (seen && seen.until > now) {
        seen.suppressed++;
        this.stats.deduplicated++;
        return;
      }
      suppressed = seen?.suppressed ?? 0;
      if (this.recent.size > 10_000) for (const [k, v] of this.recent) if (v.until <= now) this.recent.delete(k);
      if (this.recent.size > 10_000) this.recent.clear();
      this.recent.set(key, { until: now + dedupe, suppressed: 0 });
    }
    const rate = this.opts.ratePerRule ?? 20;
    if (rate > 0) {
      const b = this.buckets.get(r.name) ?? { tokens: rate * 10, at: now, dropping: false };
      b.tokens = Math.min(rate * 10, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
      this.buckets.set(r.name, b);
      if (b.tokens < 1) {
        this.stats.rateLimited++;
        if (!b.dropping) this.opts.onNotice?.(`rule "${r.name}" fires more than ${rate} alerts/s: alerts are being dropped`);
        b.dropping = true;
        return;
      }
      b.tokens -= 1;
      b.dropping = false;
    }
    const fields: Record<string, FieldValue | null> = {};
    for (const f of CORE_FIELDS[ev.source] ?? []) {
      const v = renderOutput(`%${f}`, ev, this.ctx).fields[f];
      if (v !== null && v !== undefined) fields[f] = v;
    }
    Object.assign(fields, rendered.fields);
    const container: Alert["container"] = { id: shortContainerId(cid) };
    if (cid) {
      const info = this.ctx.container(cid);
      container.id = cid;
      if (info?.name) container.name = info.name;
      if (info?.image) container.image = info.image;
    }
    const alert: Alert = {
      time: new Date(ev.time).toISOString(),
      rule: r.name,
      priority: r.priority,
      source: r.source,
      tags: r.tags,
      hostname: this.ctx.hostname,
      output: rendered.text,
      container,
      output_fields: fields,
    };
    if (suppressed) alert.suppressed = suppressed;
    this.stats.alerts++;
    this.opts.onAlert(alert);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
