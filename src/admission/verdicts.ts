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
import { IMAGE_TYPES, type Manifest } from "../image/registry/manifest.js";
import { DEFAULT_PLATFORM, formatPlatform, parsePlatform, platformMatches, selectPlatform } from "../image/platform.js";
import type { Platform } from "../image/types.js";
import { applyExceptions, checkPolicy, type ImagePolicy, type ImageResult, type PolicyCheckOptions, type RuleResult } from "../policy/index.js";
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
    // The server path checks the inventory rules on an sbom: target and the others on the image,
    // both without exceptions; the policy's exceptions are then applied to the merged rules by the
    // image's name, as checkPolicy applies them to a local check (applyExceptions).
    if (opts.serverInventory && this.contentPolicy) {
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
    const p = opts.check.scan?.platform;
    this.platform = p === undefined ? DEFAULT_PLATFORM : typeof p === "string" ? parsePlatform(p) : p;
  }

  /** The platform checked in multi-platform images (the scan's --platform, default linux/amd64). */
  private readonly platform: Platform;
  /** name@digest of an index → its manifest for `platform` (null: not an index). */
  private readonly platformOf = new Map<string, string | null>();

  private clientFor(registry: string): RegistryClient {
    let client = this.clients.get(registry);
    if (!client) this.clients.set(registry, (client = new RegistryClient(registry, this.opts.registry)));
    return client;
  }

  /** Remembers which manifest of an index (or none) is this webhook's platform. */
  private notePlatform(key: string, m: Manifest): string | null {
    let child: string | null = null;
    if (m.kind === "index") child = selectPlatform(m.manifests.filter((d) => !d.mediaType || IMAGE_TYPES.has(d.mediaType)), this.platform, key).digest;
    this.platformOf.set(key, child);
    if (this.platformOf.size > this.maxEntries) this.platformOf.delete(this.platformOf.keys().next().value!);
    return child;
  }

  /** For an index digest, the digest of its manifest for this webhook's platform; undefined for an image manifest. */
  private async platformDigest(r: ResolvedImage): Promise<string | undefined> {
    const key = `${r.name}@${r.digest}`;
    if (!this.platformOf.has(key)) {
      const m = await fetchManifest(this.clientFor(r.ref.registry), r.ref.repository, r.digest!, key);
      this.notePlatform(key, m.manifest);
    }
    return this.platformOf.get(key) ?? undefined;
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
        const m = await fetchManifest(this.clientFor(ref.registry), ref.repository, manifestReference(ref), key);
        this.tags.set(key, { digest: m.digest, at: this.now() });
        // The manifest is at hand: note its platform manifest for the server lookup (a bad index is not an error here).
        try {
          this.notePlatform(`${normalizedName(ref)}@${m.digest}`, m.manifest);
        } catch {
          /* no manifest for this platform: the check itself says so */
        }
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
    const fail = (message: string): undefined => {
      this.serverStats.errors++;
      this.onServerError?.(message);
      return undefined;
    };
    // A multi-platform image: the server stores platform manifests (registry scans, uploads of a
    // platform's scan), so the manifest for this webhook's platform is looked up first; then the
    // index digest (what `scan --server registry:NAME:TAG` and `k8s scan --server` store), whose
    // inventory is used only when it was made for this platform.
    let child: string | undefined;
    try {
      child = await this.platformDigest(r);
    } catch (e) {
      return fail(`cannot read the manifest of ${r.name}@${r.digest}: ${errorMessage(e)}`);
    }
    let text: string | undefined;
    let used = r.digest!;
    const skipped: string[] = [];
    for (const digest of child ? [child, r.digest!] : [r.digest!]) {
      let got: string | undefined;
      try {
        got = await this.opts.serverInventory!(r.name, digest);
      } catch (e) {
        return fail(errorMessage(e));
      }
      if (got === undefined) continue;
      if (child && digest === r.digest) {
        const made = inventoryPlatform(got);
        if (!made || !platformMatches(this.platform, made)) {
          skipped.push(`the server's inventory of index ${r.digest} is for ${made ? formatPlatform(made) : "an unknown platform"}, not ${formatPlatform(this.platform)}`);
          continue;
        }
      }
      text = got;
      used = digest;
      break;
    }
    if (text === undefined) {
      this.serverStats.missing++;
      if (skipped.length) this.onServerError?.(skipped.join("; "));
      return undefined;
    }
    const now = new Date(this.now());
    const dir = mkdtempSync(join(tmpdir(), "bw-adm-inv-"));
    try {
      const file = join(dir, "inventory.cdx.json");
      writeFileSync(file, text);
      const inv = (await checkPolicy([`sbom:${file}`], this.inventoryPolicy!, { ...this.opts.check, now })).images[0]!;
      if (inv.verdict === "error") return fail(`the server's inventory of ${r.name}@${used} could not be read: ${inv.error ?? "unknown error"}`);
      const image = `registry:${r.name}@${r.digest}`;
      const rest = this.restPolicy ? (await checkPolicy([image], this.restPolicy, { ...this.opts.check, now })).images[0]! : undefined;
      if (rest?.verdict === "error") return rest;
      this.serverStats.used++;
      const where = used === r.digest ? "stored for this digest" : `stored for ${formatPlatform(this.platform)} manifest ${used} of index ${r.digest}`;
      const result: ImageResult = {
        ...(rest ?? {}),
        image, name: r.name, digest: r.digest!,
        verdict: "pass",
        rules: [...(rest?.rules ?? []), ...inv.rules],
        notes: [...(rest?.notes ?? []), ...inv.notes, `inventory from the Bulwark server (${where}), matched by the webhook`],
      };
      // The policy's exceptions, by the image's name, as a local check applies them.
      applyExceptions(result, this.opts.policy.rules.exceptions ?? [], now);
      result.verdict = result.rules.some((x) => x.verdict === "fail") ? "fail" : "pass";
      return result;
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

/** The platform a Bulwark CycloneDX inventory was made for (`bulwark:image:platform`), if it says. */
function inventoryPlatform(text: string): Platform | undefined {
  try {
    const bom = JSON.parse(text) as { metadata?: { component?: { properties?: { name?: unknown; value?: unknown }[] } } };
    const v = bom.metadata?.component?.properties?.find((p) => p.name === "bulwark:image:platform")?.value;
    return typeof v === "string" ? parsePlatform(v) : undefined;
  } catch {
    return undefined;
  }
}
