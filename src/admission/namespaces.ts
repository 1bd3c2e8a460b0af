// Namespaces' own Pod Security labels for the webhook, as the API server's Pod Security admission
// reads them: `pod-security.kubernetes.io/{enforce,warn,audit}` with their `-version`. Labels are
// read through the API with one GET per namespace, cached with bounded staleness: a fresh entry
// (under `ttlMs`) is used as is; an older one (under `maxStaleMs`) is used while a refresh runs in
// the background; beyond that the request waits for the GET (racing its own deadline). The
// webhook's ServiceAccount needs `get` (and, for the install's ClusterRole, `list`/`watch`) on
// namespaces. The API access is injected (a `get(path)` function), so this room does not depend
// on the Kubernetes client.
import { parsePssVersion, PSS_LATEST, type PssVersion } from "../misconfig/kubernetes/index.js";
import type { PssLevel } from "./pss.js";

export const PSS_LABEL = "pod-security.kubernetes.io/";
export type PssModeLabel = "enforce" | "warn" | "audit";

/** One mode's level and version from a namespace's labels (absent: the label is not set or not understood). */
export interface LevelLabel {
  level: PssLevel;
  version: PssVersion;
  /** Set when the level is not the namespace's label but the PodSecurityConfiguration's default (--pss-config). */
  from?: "default";
}

/** Each mode's default level and version (a PodSecurityConfiguration's `defaults`). */
export type PssDefaults = Record<PssModeLabel, LevelLabel>;

export interface NamespacePolicy {
  enforce?: LevelLabel;
  warn?: LevelLabel;
  audit?: LevelLabel;
  /** Labels whose values were not understood (`label=value`), as the API server would refuse them. */
  invalid: string[];
}

const LEVELS = new Set(["privileged", "baseline", "restricted"]);

/**
 * The Pod Security labels of a namespace's `metadata.labels`. With `defaults` (a
 * PodSecurityConfiguration's), each mode's level and version come from the label when set, else
 * from the default, field by field as the API server does (a namespace labelled `enforce=restricted`
 * without `enforce-version` gets the default version); a level taken from the defaults is marked
 * `from: "default"`.
 */
export function namespacePolicy(labels: Record<string, unknown> | undefined, defaults?: PssDefaults): NamespacePolicy {
  const out: NamespacePolicy = { invalid: [] };
  for (const mode of ["enforce", "warn", "audit"] as const) {
    const raw = labels?.[`${PSS_LABEL}${mode}`];
    const rawVersion = labels?.[`${PSS_LABEL}${mode}-version`];
    let version = defaults?.[mode].version ?? PSS_LATEST;
    if (rawVersion !== undefined) {
      const v = typeof rawVersion === "string" ? parsePssVersion(rawVersion) : undefined;
      if (v) version = v;
      else out.invalid.push(`${PSS_LABEL}${mode}-version=${String(rawVersion)}`);
    }
    if (raw !== undefined && typeof raw === "string" && LEVELS.has(raw)) {
      out[mode] = { level: raw as PssLevel, version };
      continue;
    }
    if (raw !== undefined) out.invalid.push(`${PSS_LABEL}${mode}=${String(raw)}`);
    if (defaults) out[mode] = { level: defaults[mode].level, version, from: "default" };
  }
  return out;
}

export interface NamespaceSourceResponse {
  status: number;
  body: unknown;
}

export interface NamespaceLabelOptions {
  /** GET through the API (path with query), e.g. the k8s client's `get`. Errors reject. */
  get(path: string): Promise<NamespaceSourceResponse>;
  /** Entries younger than this are used as they are (default 10 s). */
  ttlMs?: number;
  /** Entries older than ttl but younger than this are used while a refresh runs (default 60 s). */
  maxStaleMs?: number;
  /** Namespaces kept (least recently used dropped; default 10,000). */
  maxEntries?: number;
  /** A PodSecurityConfiguration's defaults, for modes a namespace has no label for (--pss-config). */
  defaults?: PssDefaults;
  now?: () => number;
}

interface Entry {
  policy: NamespacePolicy;
  at: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export class NamespaceLabels {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<NamespacePolicy>>();
  private readonly ttl: number;
  private readonly maxStale: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Lookups answered from the cache / by a GET (for tests and the bench). */
  readonly stats = { hits: 0, gets: 0, errors: 0 };

  constructor(private readonly opts: NamespaceLabelOptions) {
    this.ttl = opts.ttlMs ?? 10_000;
    this.maxStale = Math.max(this.ttl, opts.maxStaleMs ?? 60_000);
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** The policy known without waiting (fresh, or stale within bounds: a refresh is started), or undefined. */
  cached(namespace: string): NamespacePolicy | undefined {
    const e = this.entries.get(namespace);
    if (!e) return undefined;
    const age = this.now() - e.at;
    if (age < this.ttl) {
      this.stats.hits++;
      return e.policy;
    }
    if (age < this.maxStale) {
      this.stats.hits++;
      void this.fetch(namespace).catch(() => undefined);
      return e.policy;
    }
    return undefined;
  }

  /** The namespace's policy: cached, or read now. Rejects when the API does not answer it. */
  lookup(namespace: string): Promise<NamespacePolicy> {
    const hit = this.cached(namespace);
    if (hit) return Promise.resolve(hit);
    return this.fetch(namespace);
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.entries.clear();
  }

  private fetch(namespace: string): Promise<NamespacePolicy> {
    let p = this.inflight.get(namespace);
    if (p) return p;
    p = (async () => {
      if (!DNS_LABEL.test(namespace)) throw new Error(`namespace name ${JSON.stringify(namespace.slice(0, 80))} is not a DNS label`);
      this.stats.gets++;
      let res: NamespaceSourceResponse;
      try {
        res = await this.opts.get(`/api/v1/namespaces/${namespace}`);
      } catch (e) {
        this.stats.errors++;
        throw new Error(`cannot read namespace ${namespace}: ${(e as Error)?.message ?? String(e)}`);
      }
      if (res.status !== 200) {
        this.stats.errors++;
        const msg = typeof res.body === "object" && res.body !== null && typeof (res.body as { message?: unknown }).message === "string" ? (res.body as { message: string }).message : `HTTP ${res.status}`;
        throw new Error(`cannot read namespace ${namespace}: ${msg.slice(0, 300)}`);
      }
      const meta = typeof res.body === "object" && res.body !== null ? (res.body as { metadata?: { labels?: unknown } }).metadata : undefined;
      const labels = meta && typeof meta.labels === "object" && meta.labels !== null && !Array.isArray(meta.labels) ? (meta.labels as Record<string, unknown>) : undefined;
      const policy = namespacePolicy(labels, this.opts.defaults);
      this.entries.delete(namespace);
      this.entries.set(namespace, { policy, at: this.now() });
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      return policy;
    })().finally(() => this.inflight.delete(namespace));
    p.catch(() => undefined);
    this.inflight.set(namespace, p);
    return p;
  }
}
