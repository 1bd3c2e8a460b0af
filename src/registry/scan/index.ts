// `registry scan`: list a registry's repositories and tags, resolve each tag to its manifest
// digest, pick the wanted platforms of multi-platform indexes, and scan every distinct image
// manifest once with the library's scan() (the layer cache makes shared layers cheap). With a state
// file, digests already scanned are not pulled again: their stored inventory is reused as it is,
// or re-matched when the advisory database changed.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { UserError } from "../../errors.js";
import { formatPlatform, parsePlatform, platformMatches, selectPlatform } from "../../image/platform.js";
import type { Platform } from "../../image/types.js";
import { RegistryClient, type RegistryClientOptions } from "../../image/registry/client.js";
import { fetchManifest, CONFIG_CAP } from "../../image/registry/index.js";
import { getBlob } from "../../image/registry/blob.js";
import { verifyBytes, parseDigest } from "../../image/registry/digest.js";
import { IMAGE_TYPES, MANIFEST_ACCEPT, type Descriptor, type Manifest } from "../../image/registry/manifest.js";
import { addVulnerabilities, defaultDbPath, getWriter, scan, type Report, type ScanOptions, type Severity, type VulnScanOptions, type ProgressEvent } from "../../index.js";
import { listRepositories, listTags, type ListLimits } from "../list.js";
import { globMatcher } from "./glob.js";
import { dbVersion, loadState, packagesKey, saveState, type ImageSummary, type ScanState, type StateEntry } from "./state.js";

export type { ImageSummary } from "./state.js";

export interface RegistryScanOptions {
  /** Repository globs (any may match); `*` stops at `/`, `**` does not. */
  repo?: string[];
  /** Tag globs (any may match). */
  tag?: string[];
  /** Per repository, the newest N tags (by image creation time; lexically last when unknown). */
  maxTags?: number;
  /** Only images whose config `created` is within this many milliseconds of now. */
  sinceMs?: number;
  /** Images scanned at once (default 3). */
  concurrency?: number;
  /** Platforms of multi-platform indexes: "all", or a list (default linux/amd64). */
  platforms?: "all" | string[];
  /** Embed each image's full report. */
  full?: boolean;
  /** Write one report per manifest digest (`sha256-<hex>.json`). */
  outputDir?: string;
  /** Incremental state file. */
  state?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  dockerConfigPath?: string;
  cacheDir?: string;
  noCache?: boolean;
  includeDeclared?: boolean;
  /** Scanners (default ["package", "vuln"]). */
  scanners?: string[];
  vuln?: VulnScanOptions;
  now?: Date;
  listLimits?: Partial<ListLimits>;
  retry?: RegistryClientOptions["retry"];
  timeouts?: RegistryClientOptions["timeouts"];
  onProgress?: (e: RegistryScanProgress) => void;
  /** Debug lines (methods, URLs without query strings, statuses). */
  log?: (line: string) => void;
}

export type RegistryScanProgress =
  | { kind: "repositories"; listed: number; total: number }
  | { kind: "images"; done: number; total: number; reused: number }
  | { kind: "bytes"; bytes: number };

export interface RegistryImage {
  repository: string;
  tags: string[];
  /** The digest the tags point to (an index for multi-platform images). */
  digest: string;
  /** os/arch[/variant] of the scanned image. */
  platform: string;
  /** The platform's own manifest digest when `digest` is an index. */
  manifestDigest?: string;
  os?: string;
  created?: string;
  /** "scanned" (pulled now), "reused" (state, same advisories), "rematched" (state, new advisories). */
  source: "scanned" | "reused" | "rematched";
  summary: ImageSummary;
  /** Packages not checked for vulnerabilities: the database has no advisories of their ecosystem. */
  unchecked?: number;
  report?: Report;
}

export interface RegistryScanError {
  repository: string;
  tag?: string;
  message: string;
}

export interface RegistryScanResult {
  registry: string;
  images: RegistryImage[];
  errors: RegistryScanError[];
}

interface TagRef {
  repository: string;
  tag: string;
  digest: string;
}

/** One image manifest to report: a (repository, tag digest, platform) with its tags. */
interface Unit {
  repository: string;
  tags: string[];
  digest: string;
  manifestDigest: string;
  platform?: string;
  created?: string;
}

const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
/** The distribution spec's grammar: names go into request paths, so nothing else is used. */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** The names that fit `grammar`; the others are left out with one error saying how many. */
function invalidNames(names: string[], grammar: RegExp, what: string, errors: RegistryScanError[], repository: string): string[] {
  const ok = names.filter((n) => n.length <= 255 && grammar.test(n));
  const bad = names.length - ok.length;
  if (bad > 0) {
    const first = names.find((n) => !(n.length <= 255 && grammar.test(n)))!;
    const shown = JSON.stringify(first.length > 80 ? `${first.slice(0, 80)}...` : first);
    errors.push({ repository, message: `${bad} invalid ${what} left out (the first: ${shown})` });
  }
  return ok;
}
const DEFAULT_CONCURRENCY = 3;

/** "REGISTRY[/NAMESPACE]" → registry host and namespace. */
export function parseRegistryTarget(text: string): { registry: string; namespace?: string } {
  const t = text.replace(/^registry:/, "").replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
  const slash = t.indexOf("/");
  const registry = slash < 0 ? t : t.slice(0, slash);
  const namespace = slash < 0 ? undefined : t.slice(slash + 1);
  if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:.]+\](:\d+)?$/.test(registry)) {
    throw new UserError("USAGE", `"${text}" is not a registry host (expected HOST[:PORT][/NAMESPACE])`);
  }
  if (namespace !== undefined && !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(namespace)) {
    throw new UserError("USAGE", `"${namespace}" is not a valid repository namespace`);
  }
  return namespace ? { registry, namespace } : { registry };
}

/** "24h", "7d", "90m", "1w", "1h30m" → milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const re = /(\d+)([smhdw])/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length || total <= 0) throw new UserError("USAGE", `invalid duration "${text}" (use e.g. 30m, 24h, 7d, 2w)`);
  return total;
}

/** Packages whose ecosystem the advisory database has no records of (what `scan --exit-code` gates on). */
export function uncheckedPackages(report: Report): number {
  return (report.unchecked ?? []).filter((u) => u.cause === "advisories-missing").reduce((n, u) => n + u.packages, 0);
}

export function summarize(report: Report): ImageSummary {
  const vulnerabilities = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const v of report.vulnerabilities) vulnerabilities[SEVERITIES.includes(v.severity) ? v.severity : "UNKNOWN"]++;
  return { packages: report.packages.length, vulnerabilities };
}

export async function registryScan(target: string, opts: RegistryScanOptions = {}): Promise<RegistryScanResult> {
  const { registry, namespace } = parseRegistryTarget(target);
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UserError("USAGE", `--concurrency must be an integer 1-64, got ${concurrency}`);
  if (opts.maxTags !== undefined && (!Number.isInteger(opts.maxTags) || opts.maxTags < 1)) throw new UserError("USAGE", `--max-tags must be a positive integer, got ${opts.maxTags}`);
  const wanted: "all" | Platform[] | undefined = opts.platforms === "all" ? "all" : opts.platforms?.length ? opts.platforms.map(parsePlatform) : undefined;
  const repoMatch = globMatcher(opts.repo);
  const tagMatch = globMatcher(opts.tag);
  const scanners = [...new Set([...(opts.scanners ?? ["package", "vuln"]), "package"])].sort();
  const vulnOn = scanners.includes("vuln");
  const vuln = opts.vuln ?? {};
  const dbPath = vuln.db ?? defaultDbPath();
  const now = opts.now ?? new Date();
  const matchKey = JSON.stringify([vuln.severities ?? null, !!vuln.ignoreUnfixed, vuln.ignoreFile ?? null, vuln.vex ?? null, !!vuln.matchOsOwned]);
  if (vulnOn && (vuln.offline || vuln.skipDbUpdate) && !existsSync(dbPath)) {
    // Said once, not once per image.
    throw new UserError("NOT_FOUND", `no advisory database at ${dbPath}: run "bulwark db update" (or "bulwark db import PATH" offline), or scan with --scanners package`);
  }
  const state: ScanState | undefined = opts.state ? loadState(opts.state, registry) : undefined;
  const progress = opts.onProgress;

  const clientOpts: RegistryClientOptions = {};
  if (opts.insecure) clientOpts.insecure = true;
  if (opts.username !== undefined) clientOpts.username = opts.username;
  if (opts.password !== undefined) clientOpts.password = opts.password;
  if (opts.dockerConfigPath) clientOpts.dockerConfigPath = opts.dockerConfigPath;
  if (opts.retry) clientOpts.retry = opts.retry;
  if (opts.timeouts) clientOpts.timeouts = opts.timeouts;
  if (opts.log) clientOpts.log = opts.log;
  const client = new RegistryClient(registry, clientOpts);
  const errors: RegistryScanError[] = [];
  const fail = (repository: string, e: unknown, tag?: string): void => {
    const message = e instanceof Error ? e.message : String(e);
    errors.push(tag === undefined ? { repository, message } : { repository, tag, message });
  };

  try {
    // 1. Repositories. A first catalog page that fails is fatal (unreachable, refused).
    const catalog = await listRepositories(client, opts.listLimits);
    if (catalog.truncated) errors.push({ repository: "", message: catalog.truncated });
    const valid = invalidNames(catalog.names, REPOSITORY_NAME, "repository names", errors, "");
    const repos = valid
      .filter((r) => namespace === undefined || r.startsWith(`${namespace}/`))
      .filter(repoMatch)
      .sort();

    // 2. Tags → digests, per repository (a failing repository goes to errors[]).
    const width = Math.min(16, concurrency * 4);
    const tagRefs: TagRef[][] = new Array(repos.length);
    let listed = 0;
    await pool(repos.length, width, async (i) => {
      const repository = repos[i]!;
      const refs: TagRef[] = [];
      tagRefs[i] = refs;
      try {
        const tags = await listTags(client, repository, opts.listLimits);
        if (tags.truncated) throw new UserError("INPUT", tags.truncated);
        for (const tag of invalidNames(tags.names, TAG_NAME, "tags", errors, repository).filter(tagMatch).sort()) {
          try {
            refs.push({ repository, tag, digest: await resolveTag(client, repository, tag) });
          } catch (e) {
            fail(repository, e, tag);
          }
        }
      } catch (e) {
        fail(repository, e);
      } finally {
        progress?.({ kind: "repositories", listed: ++listed, total: repos.length });
      }
    });

    // 3. Manifests (one GET per distinct digest) → image units for the wanted platforms.
    const manifests = new Map<string, Promise<Manifest>>();
    const manifestOf = (repository: string, digest: string): Promise<Manifest> => {
      let m = manifests.get(digest);
      if (!m) {
        m = fetchManifest(client, repository, digest, `${registry}/${repository}@${digest}`).then((f) => f.manifest);
        manifests.set(digest, m);
      }
      return m;
    };
    const configs = new Map<string, Promise<{ created?: string; platform?: string }>>();
    const configOf = (repository: string, manifestDigest: string): Promise<{ created?: string; platform?: string }> => {
      const known = state?.images[manifestDigest];
      if (known && (known.created !== undefined || known.platform !== undefined)) {
        return Promise.resolve({ ...(known.created ? { created: known.created } : {}), ...(known.platform ? { platform: known.platform } : {}) });
      }
      let c = configs.get(manifestDigest);
      if (!c) {
        c = (async () => {
          const m = await manifestOf(repository, manifestDigest);
          if (m.kind !== "image") throw new UserError("UNSUPPORTED", `${repository}@${manifestDigest}: nested image indexes are not supported`);
          return fetchConfigFacts(client, repository, m.config);
        })();
        configs.set(manifestDigest, c);
      }
      return c;
    };
    const needConfig = opts.sinceMs !== undefined || opts.maxTags !== undefined;

    const perRepo: Unit[][] = new Array(repos.length);
    await pool(repos.length, width, async (i) => {
      const repository = repos[i]!;
      const byDigest = new Map<string, string[]>();
      for (const r of tagRefs[i] ?? []) byDigest.set(r.digest, [...(byDigest.get(r.digest) ?? []), r.tag]);
      const units: Unit[] = [];
      for (const [digest, tags] of byDigest) {
        try {
          const known = state?.images[digest];
          // A digest scanned before as a single-platform image needs no manifest GET.
          if (known && wanted === undefined) {
            units.push({ repository, tags, digest, manifestDigest: digest, ...(known.platform ? { platform: known.platform } : {}), ...(known.created ? { created: known.created } : {}) });
            continue;
          }
          const m = await manifestOf(repository, digest);
          if (m.kind === "image") {
            const unit: Unit = { repository, tags, digest, manifestDigest: digest };
            if (wanted !== undefined && wanted !== "all" || needConfig) {
              const facts = await configOf(repository, digest);
              if (facts.platform) unit.platform = facts.platform;
              if (facts.created) unit.created = facts.created;
              if (Array.isArray(wanted) && facts.platform && !wanted.some((w) => platformMatches(w, parsePlatform(facts.platform!)))) continue;
            }
            units.push(unit);
            continue;
          }
          for (const d of choosePlatforms(m.manifests, wanted, `${registry}/${repository}:${tags[0]}`)) {
            const unit: Unit = { repository, tags, digest, manifestDigest: d.digest, ...(d.platform ? { platform: formatPlatform(d.platform) } : {}) };
            if (needConfig) {
              const facts = await configOf(repository, d.digest);
              if (facts.created) unit.created = facts.created;
            }
            units.push(unit);
          }
        } catch (e) {
          for (const tag of tags) fail(repository, e, tag);
        }
      }
      perRepo[i] = selectUnits(units, opts, now);
    });
    const units = perRepo.flat();

    // 4. Scan each distinct manifest digest once.
    const distinct = new Map<string, Unit>();
    for (const u of units) if (!distinct.has(u.manifestDigest)) distinct.set(u.manifestDigest, u);
    const order = [...distinct.values()];
    const outcomes = new Map<string, { entry: StateEntry; source: RegistryImage["source"]; report?: Report } | { error: unknown }>();
    const currentDb = vulnOn ? dbVersion(dbPath) : undefined;
    const layerBytes = new Map<string, number>();
    let pulled = 0;
    // Layers being analysed by a scan in flight: another image with the same layer waits for it to
    // reach the layer cache instead of pulling and analysing it a second time.
    const claimed = new Map<string, { done: Promise<void>; resolve: () => void }>();
    const settle = (digest: string): void => {
      claimed.get(digest)?.resolve();
      claimed.delete(digest);
    };
    const onLayer = (e: ProgressEvent): void => {
      if (e.kind === "layer-done") settle(e.digest);
      if (e.kind !== "layer-bytes" || !progress) return;
      pulled += e.bytes - (layerBytes.get(e.digest) ?? 0);
      layerBytes.set(e.digest, e.bytes);
      progress({ kind: "bytes", bytes: pulled });
    };
    const layersOf = async (u: Unit): Promise<string[]> => {
      const m = await manifestOf(u.repository, u.manifestDigest).catch(() => undefined);
      return m?.kind === "image" ? m.layers.map((l) => l.digest) : [];
    };
    const shared = new Map<string, Promise<{ summary: ImageSummary; unchecked: number }>>();
    let done = 0;
    let reused = 0;
    progress?.({ kind: "images", done, total: order.length, reused });
    await pool(order.length, concurrency, async (i) => {
      const u = order[i]!;
      try {
        const known = state?.images[u.manifestDigest];
        const wantReport = opts.full || opts.outputDir !== undefined;
        if (known && sameScanners(known.scanners, scanners)) {
          const fresh = !vulnOn || (known.db?.version !== undefined && known.db.version === currentDb?.version && known.matchKey === matchKey);
          if (fresh && !wantReport) {
            outcomes.set(u.manifestDigest, { entry: known, source: "reused" });
          } else {
            // Re-match the stored inventory: no pull. Matching depends only on the packages, the
            // OS and the options, so images with the same packages share one match for a summary.
            const shareKey = !wantReport && !vuln.vex?.length ? `${packagesKey(known.inventory.packages)} ${JSON.stringify(known.inventory.artifact.os)}` : undefined;
            let facts = shareKey !== undefined ? await shared.get(shareKey) : undefined;
            let report: Report | undefined;
            if (!facts) {
              const match = (async () => {
                const r = structuredClone(known.inventory);
                if (vulnOn) await addVulnerabilities(r, vuln, now);
                report = r;
                return { summary: summarize(r), unchecked: uncheckedPackages(r) };
              })();
              if (shareKey !== undefined) {
                shared.set(shareKey, match);
                match.catch(() => shared.delete(shareKey));
              }
              facts = await match;
            }
            const entry: StateEntry = { ...known, summary: facts.summary, ...(vulnOn ? withDb(dbVersion(dbPath)) : {}), matchKey };
            delete entry.unchecked;
            if (facts.unchecked) entry.unchecked = facts.unchecked;
            outcomes.set(u.manifestDigest, { entry, source: fresh ? "reused" : "rematched", ...(report ? { report } : {}) });
          }
          reused++;
          return;
        }
        const scanOpts: ScanOptions = { scanners, vuln, now };
        if (opts.insecure) scanOpts.insecure = true;
        if (opts.username !== undefined) scanOpts.username = opts.username;
        if (opts.password !== undefined) scanOpts.password = opts.password;
        if (opts.dockerConfigPath) scanOpts.dockerConfigPath = opts.dockerConfigPath;
        if (opts.cacheDir) scanOpts.cacheDir = opts.cacheDir;
        if (opts.noCache) scanOpts.noCache = true;
        if (opts.includeDeclared) scanOpts.includeDeclared = true;
        scanOpts.onProgress = onLayer;
        const mine: [string, { done: Promise<void>; resolve: () => void }][] = [];
        if (!opts.noCache) {
          const layers = await layersOf(u);
          for (;;) {
            const busy = layers.map((d) => claimed.get(d)?.done).filter((p) => p !== undefined);
            if (busy.length === 0) break;
            await Promise.all(busy);
          }
          for (const d of layers) {
            let resolve!: () => void;
            const claim = { done: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
            claimed.set(d, claim);
            mine.push([d, claim]);
          }
        }
        let report: Report;
        try {
          report = await scan(`registry:${registry}/${u.repository}@${u.manifestDigest}`, scanOpts);
        } finally {
          for (const [d, claim] of mine) if (claimed.get(d) === claim) settle(d);
        }
        const entry: StateEntry = {
          scannedAt: now.toISOString(),
          scanners,
          matchKey,
          inventory: inventoryOf(report),
          summary: summarize(report),
          ...(uncheckedPackages(report) ? { unchecked: uncheckedPackages(report) } : {}),
          ...(vulnOn ? withDb(dbVersion(dbPath)) : {}),
        };
        const platform = report.artifact.platform ?? u.platform;
        if (platform) entry.platform = platform;
        const created = report.artifact.created ?? u.created;
        if (created) entry.created = created;
        if (report.artifact.os) entry.os = osName(report.artifact.os);
        outcomes.set(u.manifestDigest, { entry, source: "scanned", report });
      } catch (e) {
        outcomes.set(u.manifestDigest, { error: e });
      } finally {
        progress?.({ kind: "images", done: ++done, total: order.length, reused });
      }
    });

    // 5. Results, state, per-digest reports.
    const images: RegistryImage[] = [];
    const json = getWriter("json");
    if (opts.outputDir) mkdirSync(opts.outputDir, { recursive: true });
    const written = new Set<string>();
    for (const u of units) {
      const o = outcomes.get(u.manifestDigest);
      if (!o) continue;
      if ("error" in o) {
        for (const tag of u.tags) fail(u.repository, o.error, tag);
        continue;
      }
      const { entry, source, report } = o;
      const image: RegistryImage = {
        repository: u.repository,
        tags: u.tags,
        digest: u.digest,
        platform: entry.platform ?? u.platform ?? "unknown",
        source,
        summary: entry.summary,
      };
      if (entry.unchecked) image.unchecked = entry.unchecked;
      if (u.manifestDigest !== u.digest) image.manifestDigest = u.manifestDigest;
      if (entry.os) image.os = entry.os;
      const created = entry.created ?? u.created;
      if (created) image.created = created;
      if (report && (opts.full || opts.outputDir)) {
        const full = JSON.parse(json.write(report)) as Report;
        if (opts.full) image.report = full;
        if (opts.outputDir && !written.has(u.manifestDigest)) {
          written.add(u.manifestDigest);
          writeAtomic(join(opts.outputDir, `${u.manifestDigest.replace(":", "-")}.json`), json.write(report));
        }
      }
      images.push(image);
      if (state) state.images[u.manifestDigest] = entry;
    }
    if (state && opts.state) saveState(opts.state, state);
    return { registry, images, errors };
  } finally {
    client.close();
  }
}

function withDb(v: { version: string; builtAt?: string } | undefined): { db?: { version: string; builtAt?: string } } {
  return v ? { db: v } : {};
}

function sameScanners(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function osName(os: NonNullable<Report["artifact"]["os"]>): string {
  return `${os.family} ${os.version}`.trim();
}

/** What is worth storing: the report without anything the advisories decide. */
function inventoryOf(report: Report): Report {
  const inv: Report = { ...report, vulnerabilities: [] };
  delete inv.suppressed;
  delete inv.unchecked;
  // Advisory-database notes belong to a match, not to the inventory.
  inv.errors = report.errors.filter((e) => e.source !== "vulndb" && e.source !== "suppression");
  return inv;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Tag → manifest digest: HEAD (the registry's Docker-Content-Digest), else GET and hash. */
async function resolveTag(client: RegistryClient, repository: string, tag: string): Promise<string> {
  const res = await client.request({ method: "HEAD", target: `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, repository, headers: { accept: MANIFEST_ACCEPT } });
  res.resume();
  const told = res.headers["docker-content-digest"];
  if (res.statusCode === 200 && typeof told === "string" && parseDigest(told)) return told;
  if (res.statusCode === 404) throw new UserError("NOT_FOUND", `manifest unknown: ${client.registry}/${repository}:${tag}`);
  return (await fetchManifest(client, repository, tag, `${client.registry}/${repository}:${tag}`)).digest;
}

/** The manifests of an index to scan: every platform for "all", the listed ones, or the default. */
function choosePlatforms(list: Descriptor[], wanted: "all" | Platform[] | undefined, what: string): Descriptor[] {
  const pullable = list.filter(
    (m) => (!m.mediaType || IMAGE_TYPES.has(m.mediaType)) && m.platform?.os !== "unknown" && m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest",
  );
  if (wanted === undefined) return [selectPlatform(pullable, undefined, what)];
  if (wanted === "all") {
    const seen = new Set<string>();
    return pullable.filter((m) => !seen.has(m.digest) && seen.add(m.digest));
  }
  const out: Descriptor[] = [];
  for (const w of wanted) {
    const hit = pullable.find((m) => platformMatches(w, m.platform));
    if (hit && !out.includes(hit)) out.push(hit);
  }
  return out;
}

async function fetchConfigFacts(client: RegistryClient, repository: string, d: Descriptor): Promise<{ created?: string; platform?: string }> {
  if (d.size > CONFIG_CAP) throw new UserError("INPUT", `${repository}: the image config is ${d.size} bytes; the limit is ${CONFIG_CAP}`);
  const res = await getBlob(client, { repository, digest: d.digest, size: d.size, kind: "config" });
  const bytes = await client.readBody(res, CONFIG_CAP, `config of ${repository}@${d.digest}`);
  verifyBytes(bytes, d.digest, `config of ${repository}`);
  let c: { created?: unknown; os?: unknown; architecture?: unknown; variant?: unknown };
  try {
    c = JSON.parse(bytes.toString("utf8")) as typeof c;
  } catch {
    throw new UserError("INPUT", `config of ${repository}@${d.digest} is not valid JSON`);
  }
  const out: { created?: string; platform?: string } = {};
  if (typeof c.created === "string" && !Number.isNaN(Date.parse(c.created))) out.created = c.created;
  if (typeof c.os === "string" && typeof c.architecture === "string") {
    out.platform = formatPlatform({ os: c.os, architecture: c.architecture, ...(typeof c.variant === "string" ? { variant: c.variant } : {}) });
  }
  return out;
}

/** --since and --max-tags, on one repository's units. */
function selectUnits(units: Unit[], opts: RegistryScanOptions, now: Date): Unit[] {
  let out = units;
  if (opts.sinceMs !== undefined) {
    const after = now.getTime() - opts.sinceMs;
    // Unknown creation time: not known to be new, so left out.
    out = out.filter((u) => u.created !== undefined && Date.parse(u.created) > after);
  }
  if (opts.maxTags !== undefined) {
    // Per tag: the newest creation time of its images (platforms), then the tag name.
    const tagTime = new Map<string, number>();
    for (const u of out) for (const t of u.tags) tagTime.set(t, Math.max(tagTime.get(t) ?? -Infinity, u.created ? Date.parse(u.created) : -Infinity));
    const keep = new Set(
      [...tagTime.entries()]
        .sort((a, b) => (b[1] !== a[1] ? b[1] - a[1] : a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
        .slice(0, opts.maxTags)
        .map(([t]) => t),
    );
    out = out.map((u) => ({ ...u, tags: u.tags.filter((t) => keep.has(t)) })).filter((u) => u.tags.length > 0);
  }
  return out;
}

async function pool(n: number, width: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await run(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}
