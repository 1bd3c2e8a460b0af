// The orchestrator: target → image or root filesystem → per-layer analysis (cached) → merge →
// report. The only module that reaches across areas.
import { eolInfo } from "../analyzers/os/os-release/index.js";
import { analyzers as defaultAnalyzers } from "../analyzers/registry.js";
import type { Analyzer } from "../analyzers/types.js";
import { UserError } from "../errors.js";
import { assertDirectory, openImage, parsePlatform, parseTarget, walkRootfs, type Image, type ImageLayer, type OpenOptions, type Platform, type ProgressEvent } from "../image/index.js";
import { DEFAULT_LIMITS, layerTarStream, type LayerLimits, type LayerStreamResult } from "../layers/decompress.js";
import { readTar, tarEndNote, type TarReadStatus } from "../layers/tar.js";
import type { Artifact, LayerInfo, LayerRef, OSInfo, Package, Report, ReportError, SecretFinding } from "../model/index.js";
import { scanImageConfig } from "../misconfig/image-config/index.js";
import { scanImageContents } from "../misconfig/image-contents/index.js";
import { readSbom } from "../sbom/index.js";
import { scanKeyValues } from "../secrets/index.js";
import { resolvePssVersion, scanConfig } from "./config.js";
import { dropIgnoredFindings } from "./ignore.js";
import { redactAgain, redactReport } from "./redact.js";
import { secretAnalyzer } from "./secret-analyzer.js";
import { toolVersion } from "../version.js";
import { defaultCacheDir, LayerCache, type CachedLayer } from "./cache.js";
import { analyzeEntries } from "./layer.js";
import { merge, type LayerInput } from "./merge.js";
import { addVulnerabilities, type VulnScanOptions } from "./vulns.js";

export type { VulnScanOptions } from "./vulns.js";

export interface ScanOptions {
  /** `os/arch[/variant]` for multi-platform images (default linux/amd64). */
  platform?: string | Platform;
  cacheDir?: string;
  noCache?: boolean;
  insecure?: boolean;
  username?: string;
  password?: string;
  dockerConfigPath?: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Layers analysed at once. */
  concurrency?: number;
  /** Reference date for end-of-life flags. */
  now?: Date;
  limits?: LayerLimits;
  analyzers?: Analyzer[];
  /** Scanners to run: "package" (inventory, always) and "vuln". Default: ["package"]. */
  scanners?: string[];
  /** Options of the vulnerability scanner. */
  vuln?: VulnScanOptions;
  /** Pod Security Standards version for the misconfig scanner's Kubernetes rules ("v1.30"; default "latest"). */
  pssVersion?: string;
  /**
   * Images and root filesystems report installed packages only; this adds what lockfiles and
   * manifests inside them declare (marked `evidence: "declared"`). Project trees (`dir:`) always
   * include them.
   */
  includeDeclared?: boolean;
}

export const SCANNERS = ["package", "vuln", "secret", "misconfig"] as const;

export async function scan(targetText: string, opts: ScanOptions = {}): Promise<Report> {
  const scanners = opts.scanners ?? ["package"];
  const unknown = scanners.filter((s) => !(SCANNERS as readonly string[]).includes(s));
  if (unknown.length) throw new UserError("USAGE", `unknown scanner(s): ${unknown.join(", ")} (available: ${SCANNERS.join(", ")})`);
  if (opts.pssVersion !== undefined) resolvePssVersion(opts.pssVersion);
  const now = opts.now ?? new Date();
  const report = await inventory(targetText, opts);
  if (scanners.includes("vuln")) await addVulnerabilities(report, opts.vuln ?? {}, now);
  if (scanners.includes("misconfig") && report.artifact.type === "dir") {
    // A project tree: its Dockerfiles, manifests and Compose files. The ignore file is applied
    // below, once for every finding of the scan.
    const cfg = await scanConfig([parseTarget(targetText).ref], { ignoreFile: false, ...(opts.pssVersion !== undefined ? { pssVersion: opts.pssVersion } : {}) });
    report.misconfigurations.push(...cfg.misconfigurations);
    report.errors.push(...cfg.errors);
  }
  if (report.secrets.length || report.misconfigurations.length) dropIgnoredFindings(report, opts.vuln?.ignoreFile, now, !scanners.includes("vuln"));
  // Vulnerabilities carry layer references copied from packages: the secrets detected by
  // inventory are redacted in them too.
  redactAgain(report);
  return report;
}

/** Reads the target and lists what is installed: the part of a scan worth storing. */
export async function inventory(targetText: string, opts: ScanOptions = {}): Promise<Report> {
  // Options are checked before the target is touched, so usage errors come first.
  const platform = typeof opts.platform === "string" ? parsePlatform(opts.platform) : opts.platform;
  const target = parseTarget(targetText);
  const scanners = opts.scanners ?? ["package"];
  const analyzers = [...chooseAnalyzers(opts.analyzers ?? defaultAnalyzers, target.transport === "dir" || !!opts.includeDeclared), ...(scanners.includes("secret") ? [secretAnalyzer] : [])];
  const now = opts.now ?? new Date();
  if (target.transport === "sbom") {
    const inv = await readSbom(target.ref);
    const errors: ReportError[] = inv.skipped ? [{ source: "sbom", message: `${inv.skipped} components without a usable purl were skipped`, path: target.ref }] : [];
    const artifact: Artifact = { target: targetText, type: "sbom", os: inv.os, layers: [] };
    if (inv.name) artifact.names = [inv.name];
    return report(artifact, inv.packages, errors);
  }
  if (target.transport === "dir" || target.transport === "rootfs") {
    await assertDirectory(target.ref);
    const errors: ReportError[] = [];
    const entries = walkRootfs(target.ref, (p, info) => analyzers.some((a) => a.required(p, info)), (path, e) => {
      if (errors.length < 100) errors.push({ source: "rootfs", message: (e as Error).message, path: "/" + path });
    });
    const analysis = await analyzeEntries(entries, analyzers, target.ref);
    const merged = merge([{ analysis }], analyzers, now);
    const r = report({ target: targetText, type: target.transport, os: merged.os, layers: [] }, merged.packages, [...errors, ...analysis.errors, ...merged.errors]);
    r.secrets = merged.secrets;
    return r;
  }

  const openOpts: OpenOptions = {};
  if (platform) openOpts.platform = platform;
  if (opts.insecure) openOpts.insecure = true;
  if (opts.username !== undefined) openOpts.username = opts.username;
  if (opts.password !== undefined) openOpts.password = opts.password;
  if (opts.dockerConfigPath) openOpts.dockerConfigPath = opts.dockerConfigPath;
  if (opts.onProgress) openOpts.onProgress = opts.onProgress;
  const image = await openImage(target, openOpts);
  try {
    const r = await scanImage(image, analyzers, opts, now, scanners.includes("misconfig"));
    // Env, labels, history and command are always checked (a few strings): the secrets found
    // there are redacted everywhere the report repeats them, and reported with "secret".
    const found = new Set<string>();
    const inConfig = configSecrets(image, found);
    if (scanners.includes("secret")) r.secrets.push(...inConfig);
    redactReport(r, found);
    return r;
  } finally {
    await image.close();
  }
}

async function scanImage(image: Image, analyzers: Analyzer[], opts: ScanOptions, now: Date, misconfig: boolean): Promise<Report> {
  const cache = opts.noCache ? null : new LayerCache(opts.cacheDir ?? defaultCacheDir(), analyzers);
  const progress = opts.onProgress;
  // The image's merged inventory, when this exact image was scanned before (and nothing after
  // the merge needs the layers themselves).
  const imageKey = image.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, ...(l.createdBy !== undefined ? { createdBy: l.createdBy } : {}) }));
  const whole = cache && !misconfig ? cache.getImage(imageKey) : null;
  if (whole) {
    for (const l of image.layers) progress?.({ kind: "layer-done", digest: l.digest, cached: true });
    const infos = layerInfos(image, whole.digests);
    const os = whole.os ? withEol(whole.os, now) : null;
    const r = report(imageArtifact(image, infos, os), whole.packages, whole.errors);
    r.secrets = whole.secrets;
    return r;
  }
  const results: CachedLayer[] = new Array(image.layers.length);
  // Inflate runs on libuv's thread pool (4 threads): four layers at once keep both cores busy while
  // the main thread parses tar and runs analyzers.
  await pool(image.layers.length, opts.concurrency ?? 4, async (i) => {
    const layer = image.layers[i]!;
    const hit = cache?.get(layer.diffId);
    if (hit) {
      results[i] = hit;
      progress?.({ kind: "layer-done", digest: layer.digest, cached: true });
      return;
    }
    progress?.({ kind: "layer-start", digest: layer.digest, ...(layer.size !== undefined ? { size: layer.size } : {}) });
    const analysis = await analyzeLayer(layer, analyzers, opts.limits ?? DEFAULT_LIMITS);
    results[i] = analysis;
    cache?.put(layer.diffId, analysis);
    progress?.({ kind: "layer-done", digest: layer.digest, cached: false });
  });

  const infos = layerInfos(image, results.map((r) => r.digest ?? null));
  const inputs: LayerInput[] = results.map((analysis, i) => {
    const info = infos[i]!;
    const ref: LayerRef = { digest: info.digest, diffId: info.diffId };
    if (info.createdBy !== undefined) ref.createdBy = info.createdBy;
    return { ref, analysis };
  });
  const merged = merge(inputs, analyzers, now);
  const errors = [...results.flatMap((r) => r.errors), ...merged.errors];
  cache?.putImage(imageKey, {
    os: merged.os ? withoutEol(merged.os) : null,
    packages: merged.packages,
    secrets: merged.secrets,
    errors,
    digests: results.map((r) => r.digest ?? null),
  });
  const r = report(imageArtifact(image, infos, merged.os), merged.packages, errors);
  r.secrets = merged.secrets;
  if (misconfig) {
    const layers = inputs.map(({ ref, analysis }) => ({ ref, contents: analysis.contents, whiteouts: analysis.whiteouts, opaqueDirs: analysis.opaqueDirs }));
    // Image paths have no leading slash; file lists write one.
    const owners = new Map<string, string>();
    for (const [f, purl] of merged.fileOwners) owners.set(f.replace(/^\/+/, ""), purl);
    const contentFailures: string[] = [];
    const found = scanImageContents({ target: image.target, layers, config: image.config, owners }, contentFailures);
    const failures: string[] = [];
    r.misconfigurations.push(...scanImageConfig(image.config, image.target, failures), ...found.findings);
    for (const message of failures) r.errors.push({ source: "image-config", message });
    for (const message of contentFailures) r.errors.push({ source: "image-contents", message });
    r.attackSurface = found.attackSurface;
  }
  return r;
}

function layerInfos(image: Image, digests: readonly (string | null)[]): LayerInfo[] {
  return image.layers.map((l, i) => {
    const info: LayerInfo = { digest: digests[i] ?? l.digest, diffId: l.diffId };
    if (l.createdBy !== undefined) info.createdBy = l.createdBy;
    if (l.size !== undefined) info.size = l.size;
    if (l.mediaType !== undefined) info.mediaType = l.mediaType;
    return info;
  });
}

function imageArtifact(image: Image, layers: LayerInfo[], os: OSInfo | null): Artifact {
  const artifact: Artifact = { target: image.target, type: image.type, os, layers };
  if (image.digest) artifact.digest = image.digest;
  else if (image.configDigest) artifact.digest = image.configDigest;
  if (image.names.length) artifact.names = [...image.names];
  if (image.platform) artifact.platform = image.platform;
  if (image.config.created) artifact.created = image.config.created;
  return artifact;
}

function withoutEol(os: OSInfo): OSInfo {
  const { eol: _eol, ...rest } = os;
  return rest;
}

/** The OS of a cached image with its end-of-life verdict as of `now` (as combineOS gives it). */
function withEol(os: OSInfo, now: Date): OSInfo {
  const out = withoutEol(os);
  const eol = eolInfo(out, now);
  if (eol) out.eol = eol;
  return out;
}

async function analyzeLayer(layer: ImageLayer, analyzers: Analyzer[], limits: LayerLimits): Promise<CachedLayer> {
  const blob = await layer.open();
  const status: LayerStreamResult = { compression: "none", digest: "", uncompressedBytes: 0 };
  // For docker archives the digest is only a stand-in for the diffID: check what we can.
  const check = { ...(layer.digest !== layer.diffId ? { digest: layer.digest } : {}), diffId: layer.diffId, limits };
  try {
    const tar = layerTarStream(blob as AsyncIterable<Buffer>, check, status);
    const tarStatus: TarReadStatus = { entries: 0 };
    const analysis: CachedLayer = await analyzeEntries(readTar(tar, tarStatus), analyzers, layer.diffId, { contents: true });
    // Set only once the whole blob was read and its digest checked. The note is part of the
    // analysis, so the layer cache reproduces it on warm scans.
    const note = tarEndNote(tarStatus);
    if (note) analysis.errors.push({ source: "layer", message: note, layer: layer.diffId });
    if (status.digest && status.digest !== layer.digest) analysis.digest = status.digest;
    return analysis;
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.code as Exclude<typeof e.code, "INTERNAL">, `layer ${short(layer.diffId)}: ${e.message}`, { cause: e });
    throw e;
  } finally {
    (blob as { destroy?: () => void }).destroy?.();
  }
}

/**
 * Env, labels, history lines and the command of the image config: secrets there ship with every
 * container. `found` receives the secret strings, for redaction.
 */
function configSecrets(image: Image, found: Set<string>): SecretFinding[] {
  const c = image.config;
  const entries: { key: string; value: string; where: string }[] = [];
  for (const e of c.config?.Env ?? []) {
    const i = e.indexOf("=");
    if (i > 0) entries.push({ key: e.slice(0, i), value: e.slice(i + 1), where: "config: Env" });
  }
  for (const [k, v] of Object.entries(c.config?.Labels ?? {})) entries.push({ key: k, value: String(v), where: "config: Labels" });
  (c.history ?? []).forEach((h, i) => {
    if (h.created_by) entries.push({ key: `history[${i}]`, value: h.created_by, where: `config: history[${i}]` });
  });
  for (const [field, v] of [["Entrypoint", c.config?.Entrypoint], ["Cmd", c.config?.Cmd], ["Healthcheck", c.config?.Healthcheck?.Test]] as const) {
    if (Array.isArray(v) && v.length) entries.push({ key: "", value: v.map(String).join(" "), where: `config: ${field}` });
  }
  return scanKeyValues(entries, found);
}

/** Declared-evidence analyzers (lockfiles, manifests) only where they are wanted. */
function chooseAnalyzers(all: Analyzer[], declared: boolean): Analyzer[] {
  return declared ? all : all.filter((a) => a.evidence === "installed");
}

const short = (d: string): string => d.replace(/^sha256:/, "").slice(0, 12);

async function pool(n: number, width: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < n && failed === undefined) {
      const i = next++;
      try {
        await run(i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  if (failed !== undefined) throw failed;
}

function report(artifact: Artifact, packages: Package[], errors: ReportError[]): Report {
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: toolVersion() },
    artifact,
    packages,
    vulnerabilities: [],
    secrets: [],
    misconfigurations: [],
    errors,
  };
}
