// Image verdicts for admission: tags resolved to digests, each image checked against the policy
// once per digest, verdicts kept in memory and (optionally) in files under the cache directory so
// replicas and restarts share them. A check that does not finish before a request's deadline goes
// on in the background; its verdict serves the next request.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorMessage } from "../errors.js";
import { fetchManifest, RegistryClient, type RegistryClientOptions } from "../image/registry/index.js";
import { formatReference, parseReference, type ImageReference } from "../image/registry/reference.js";
import { manifestReference } from "../image/registry/reference.js";
import { checkPolicy, type ImagePolicy, type ImageResult, type PolicyCheckOptions, type RuleResult } from "../policy/index.js";
import { normalizedName } from "../policy/glob.js";
import type { InventoryLookup } from "./server-lookup.js";

/** Rules decided from the reference alone (no registry access): checked on every request. */
const NAME_RULES = ["allowedRegistries", "requireDigest"] as const;
/** Rules decided from the image's inventory (what a Bulwark server stores). */
const INVENTORY_RULES = ["vulnerabilities", "forbidMalicious", "forbidEolOs"] as const;

export interface VerdictOptions {
  policy: ImagePolicy;
  check: PolicyCheckOptions;
  registry: RegistryClientOptions;
  /** How long a verdict stays valid (advisories change): default 1 h. */
  verdictTtlMs?: number;
  /** How long a tag → digest resolution is reused (0: resolve on every request): default 30 s. */
  tagTtlMs?: number;
  /** Directory for verdict files shared between processes (none: memory only). */
  cacheDir?: string;
  /** Image checks run at once (the rest wait): default 2. */
  maxConcurrentChecks?: number;
  /** Verdicts kept in memory: default 10,000. */
  maxEntries?: number;
  /**
   * A Bulwark server's stored inventory for a digest (CycloneDX text; undefined when it has
   * none): the inventory rules are then decided from it, matched here, without pulling layers.
   * Errors fall back to the webhook's own scan.
   */
  serverInventory?: InventoryLookup;
  now?: () => number;
}

const NAME_TTL_MS = 60_000;
const NO_RULES: RuleResult[] = [];

/** A reference resolved to the digest it names now. */
export interface ResolvedImage {
  /** As written in the pod spec. */
  image: string;
  ref: ImageReference;
  /** Normalized name (`host/repository`). */
  name: string;
  /** Manifest (or index) digest: from the reference, or resolved from the tag. */
  digest?: string;
}

export type ImageVerdict =
  | { state: "done"; result: ImageResult; cached: boolean }
  | { state: "pending"; reason: string }
  | { state: "error"; reason: string };

interface Entry {
  result: ImageResult;
  at: number;
}

/** Policy fingerprint: the rules as parsed, plus the bytes of every key file they name. */
function fingerprint(policy: ImagePolicy): string {
  const h = createHash("sha256").update(JSON.stringify(policy.rules));
  for (const k of policy.rules.requireSignature?.keys ?? []) {
    try {
      h.update(readFileSync(k));
    } catch {
      h.update(`missing:${k}`);
    }
  }
  return h.digest("hex").slice(0, 32);
}

export class VerdictCache {
  private readonly namePolicy: ImagePolicy | undefined;
  private readonly contentPolicy: ImagePolicy | undefined;
  /** The content rules split for server inventories: those read from the inventory, and the rest (image config, signatures). */
  private readonly inventoryPolicy: ImagePolicy | undefined;
  private readonly restPolicy: ImagePolicy | undefined;
  /** Verdicts whose inventory came from the server (for tests and logs). */
  readonly serverStats = { used: 0, missing: 0, errors: 0 };
  private readonly fp: string;
  private readonly memory = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<ImageResult>>();
  private readonly tags = new Map<string, { digest: string; at: number }>();
  private readonly resolving = new Map<string, Promise<string>>();
  private readonly clients = new Map<string, RegistryClient>();
  private readonly names = new Map<string, { rules: RuleResult[]; at: number }>();
  private readonly parsed = new Map<string, { ref: ImageReference; name: string; key: string }>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly ttl: number;
  private readonly tagTtl: number;
  private readonly maxEntries: number;
  private readonly limit: number;
  private readonly now: () => number;
  private readonly dir: string | undefined;

  constructor(private readonly opts: VerdictOptions) {
    const rules = opts.policy.rules;
    const nameRules = Object.fromEntries(NAME_RULES.filter((r) => rules[r] !== undefined).map((r) => [r, rules[r]]));
    const contentRules = Object.fromEntries(Object.entries(rules).filter(([k]) => !(NAME_RULES as readonly string[]).includes(k) && k !== "exceptions"));
    const withExceptions = (r: Record<string, unknown>) => ({ ...opts.policy, rules: { ...r, ...(rules.exceptions ? { exceptions: rules.exceptions } : {}) } });
    this.namePolicy = Object.keys(nameRules).length ? withExceptions(nameRules) : undefined;
    this.contentPolicy = Object.keys(contentRules).length ? withExceptions(contentRules) : undefined;
    // With exceptions the server path is not taken: they match the image's name, which an
    // inventory check (an sbom: target) does not carry.
    if (opts.serverInventory && this.contentPolicy && !rules.exceptions) {
      const pick = (keep: boolean) => Object.fromEntries(Object.entries(contentRules).filter(([k]) => (INVENTORY_RULES as readonly string[]).includes(k) === keep));
      const inv = pick(true);
      const rest = pick(false);
      if (Object.keys(inv).length) {
        this.inventoryPolicy = { ...opts.policy, rules: inv };
        if (Object.keys(rest).length) this.restPolicy = { ...opts.policy, rules: rest };
      }
    }
    this.fp = fingerprint(opts.policy);
    this.ttl = opts.verdictTtlMs ?? 3600_000;
    this.tagTtl = opts.tagTtlMs ?? 30_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.limit = Math.max(1, opts.maxConcurrentChecks ?? 2);
    this.now = opts.now ?? Date.now;
    this.dir = opts.cacheDir ? join(opts.cacheDir, "admission-verdicts") : undefined;
  }

  /** True when verdicts need the image itself (a digest), not only its name. */
  get readsImages(): boolean {
    return this.contentPolicy !== undefined;
  }

  /** Parses the reference (throws UserError on a bad one); resolves a tag when `needDigest`. */
  async resolve(image: string, needDigest: boolean): Promise<ResolvedImage> {
    const ref = parseReference(image);
    const out: ResolvedImage = { image, ref, name: normalizedName(ref) };
    if (ref.digest) out.digest = ref.digest;
    else if (needDigest) out.digest = await this.resolveTag(ref);
    return out;
  }

  private async resolveTag(ref: ImageReference): Promise<string> {
    const key = formatReference(ref);
    const known = this.tags.get(key);
    if (known && this.now() - known.at < this.tagTtl) return known.digest;
    let p = this.resolving.get(key);
    if (!p) {
      p = (async () => {
        let client = this.clients.get(ref.registry);
        if (!client) this.clients.set(ref.registry, (client = new RegistryClient(ref.registry, this.opts.registry)));
        const m = await fetchManifest(client, ref.repository, manifestReference(ref), key);
        this.tags.set(key, { digest: m.digest, at: this.now() });
        if (this.tags.size > this.maxEntries) this.tags.delete(this.tags.keys().next().value!);
        return m.digest;
      })().finally(() => this.resolving.delete(key));
      this.resolving.set(key, p);
    }
    return p;
  }

  /** The name rules, evaluated on the reference as written (no network); kept for a minute (exceptions end by the day). */
  async nameRules(image: string): Promise<RuleResult[]> {
    const hit = this.nameRulesCached(image);
    if (hit) return hit;
    if (!this.namePolicy) return [];
    const r = await checkPolicy([`registry:${image}`], this.namePolicy, { now: new Date(this.now()) });
    const rules = r.images[0]!.rules;
    this.names.set(image, { rules, at: this.now() });
    if (this.names.size > this.maxEntries) this.names.delete(this.names.keys().next().value!);
    return rules;
  }

  /** Name-rule results already known for this exact reference, or undefined. */
  nameRulesCached(image: string): RuleResult[] | undefined {
    if (!this.namePolicy) return NO_RULES;
    const hit = this.names.get(image);
    return hit && this.now() - hit.at < NAME_TTL_MS ? hit.rules : undefined;
  }

  /** The reference resolved without waiting: by its digest, or by a tag resolved recently; else undefined. */
  resolveCached(image: string): ResolvedImage | undefined {
    let parsed = this.parsed.get(image);
    if (!parsed) {
      try {
        const ref = parseReference(image);
        parsed = { ref, name: normalizedName(ref), key: formatReference(ref) };
      } catch {
        return undefined;
      }
      this.parsed.set(image, parsed);
      if (this.parsed.size > this.maxEntries) this.parsed.delete(this.parsed.keys().next().value!);
    }
    const { ref, name } = parsed;
    if (ref.digest) return { image, ref, name, digest: ref.digest };
    const known = this.tags.get(parsed.key);
    if (known && this.now() - known.at < this.tagTtl) return { image, ref, name, digest: known.digest };
    return undefined;
  }

  /** Memory key: name@digest (the policy is this instance's); files hash it with the policy's fingerprint. */
  private key(r: ResolvedImage): string {
    return `${r.name}@${r.digest}`;
  }

  private fileKey(key: string): string {
    return createHash("sha256").update(`${this.fp}\n${key}`).digest("hex");
  }

  /** A cached content verdict (memory, then the shared files), or undefined. */
  cached(r: ResolvedImage): ImageResult | undefined {
    if (!this.contentPolicy || !r.digest) return undefined;
    const key = this.key(r);
    const hit = this.memory.get(key);
    if (hit && this.now() - hit.at < this.ttl) {
      // Refresh its place in the LRU order.
      this.memory.delete(key);
      this.memory.set(key, hit);
      return hit.result;
    }
    if (hit) this.memory.delete(key);
    const fromFile = this.readFile(key);
    if (fromFile && this.now() - fromFile.at < this.ttl) {
      this.remember(key, fromFile);
      return fromFile.result;
    }
    return undefined;
  }

  /**
   * The content verdict for a resolved image: cached, or checked now. The promise settles when
   * the check ends, however long that takes; callers race it against their deadline.
   */
  verdict(r: ResolvedImage): Promise<ImageResult> {
    const hit = this.cached(r);
    if (hit) return Promise.resolve(hit);
    if (!this.contentPolicy || !r.digest) return Promise.reject(new Error("no digest to check"));
    const key = this.key(r);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.run(r, key).finally(() => this.inflight.delete(key));
      // A check nobody waits for any more must not become an unhandled rejection.
      p.catch(() => undefined);
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Checks in progress (for health output and tests). */
  get pending(): number {
    return this.inflight.size;
  }

  private async run(r: ResolvedImage, key: string): Promise<ImageResult> {
    await this.slot();
    try {
      const img = (this.inventoryPolicy ? await this.fromServer(r) : undefined) ?? (await checkPolicy([`registry:${r.name}@${r.digest}`], this.contentPolicy!, { ...this.opts.check, now: new Date(this.now()) })).images[0]!;
      if (img.verdict === "error") throw new Error(img.error ?? "the image could not be checked");
      const entry = { result: img, at: this.now() };
      this.remember(key, entry);
      this.writeFile(key, entry);
      return img;
    } finally {
      this.release();
    }
  }

  /**
   * The verdict with the inventory rules decided from the server's stored inventory of this digest
   * (matched against this webhook's advisories), the other content rules on the registry image
   * (its config and signatures, not its layers). Undefined: the server has no inventory for it, or
   * could not be asked; the caller scans the image itself.
   */
  private async fromServer(r: ResolvedImage): Promise<ImageResult | undefined> {
    let text: string | undefined;
    try {
      text = await this.opts.serverInventory!(r.name, r.digest!);
    } catch (e) {
      this.serverStats.errors++;
      this.onServerError?.(errorMessage(e));
      return undefined;
    }
    if (text === undefined) {
      this.serverStats.missing++;
      return undefined;
    }
    const now = new Date(this.now());
    const dir = mkdtempSync(join(tmpdir(), "bw-adm-inv-"));
    try {
      const file = join(dir, "inventory.cdx.json");
      writeFileSync(file, text);
      const inv = (await checkPolicy([`sbom:${file}`], this.inventoryPolicy!, { ...this.opts.check, now })).images[0]!;
      if (inv.verdict === "error") {
        this.serverStats.errors++;
        this.onServerError?.(`the server's inventory of ${r.name}@${r.digest} could not be read: ${inv.error ?? "unknown error"}`);
        return undefined;
      }
      const image = `registry:${r.name}@${r.digest}`;
      const rest = this.restPolicy ? (await checkPolicy([image], this.restPolicy, { ...this.opts.check, now })).images[0]! : undefined;
      if (rest?.verdict === "error") return rest;
      this.serverStats.used++;
      const rules = [...(rest?.rules ?? []), ...inv.rules];
      return {
        ...(rest ?? {}),
        image, name: r.name, digest: r.digest!,
        verdict: rules.some((x) => x.verdict === "fail") ? "fail" : "pass",
        rules,
        notes: [...(rest?.notes ?? []), ...inv.notes, "inventory from the Bulwark server (stored for this digest), matched by the webhook"],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  onServerError?: (message: string) => void;

  private slot(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private remember(key: string, e: Entry): void {
    this.memory.set(key, e);
    while (this.memory.size > this.maxEntries) this.memory.delete(this.memory.keys().next().value!);
  }

  private readFile(key: string): Entry | undefined {
    if (!this.dir) return undefined;
    try {
      const v = JSON.parse(readFileSync(join(this.dir, `${this.fileKey(key)}.json`), "utf8")) as { version?: number; at?: number; result?: ImageResult };
      if (v.version !== 1 || typeof v.at !== "number" || typeof v.result !== "object" || v.result === null) return undefined;
      return { at: v.at, result: v.result };
    } catch {
      return undefined;
    }
  }

  private writeFile(key: string, e: Entry): void {
    if (!this.dir) return;
    const file = this.fileKey(key);
    const tmp = join(this.dir, `.${file}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, JSON.stringify({ version: 1, at: e.at, result: e.result }));
      renameSync(tmp, join(this.dir, `${file}.json`));
    } catch (err) {
      rmSync(tmp, { force: true });
      this.onWriteError?.(errorMessage(err));
    }
  }

  onWriteError?: (message: string) => void;

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
