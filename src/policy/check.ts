// Checking images against an ImagePolicy: each rule gives a verdict (pass, fail, skipped,
// excepted) with its evidence. The image is resolved to one digest first and every check that
// reads it (config, packages, vulnerabilities, signatures) uses that digest, so a tag moving
// during the check cannot mix two images.
import { UserError } from "../errors.js";
import { openImage, parsePlatform, parseTarget, type Image, type OpenOptions } from "../image/index.js";
import { formatReference, parseReference, type ImageReference } from "../image/registry/reference.js";
import type { OSInfo, Report, Severity, Vulnerability } from "../model/index.js";
import { scan, type ScanOptions } from "../scan/index.js";
import { compileGlob, normalizedName } from "./glob.js";
import {
  POLICY_API_VERSION, type ImagePolicy, type ImageResult, type PolicyCheckResult, type PolicyException, type RuleName, type RuleResult, type SupplyChainVerifier, type VulnerabilityRule,
} from "./types.js";

export interface PolicyCheckOptions {
  /** How images are read and vulnerabilities matched, as for scan(); `scanners` is chosen here. */
  scan?: Omit<ScanOptions, "scanners" | "now">;
  /** Signature and attestation verification; without one, those rules fail (never pass). */
  verifier?: SupplyChainVerifier;
  /** Reference date for exceptions, advisory ages and end-of-life (default: now). */
  now?: Date;
  /** Called before each image is checked. */
  onImage?: (image: string, index: number, total: number) => void;
}

/** The reason given when no verifier is wired in. */
export const NO_VERIFIER = "signature verification not available in this build";

/** Evidence lists are cut here (the count of the rest is said). */
const MAX_EVIDENCE = 20;
const DAY_MS = 24 * 3600_000;

/** Checks each image in turn; an image that cannot be read is an "error" result, not a throw. */
export async function checkPolicy(images: string[], policy: ImagePolicy, opts: PolicyCheckOptions = {}): Promise<PolicyCheckResult> {
  const now = opts.now ?? new Date();
  const results: ImageResult[] = [];
  for (const [i, image] of images.entries()) {
    opts.onImage?.(image, i, images.length);
    results.push(await checkImage(image, policy, opts, now));
  }
  const count = (v: ImageResult["verdict"]) => results.filter((r) => r.verdict === v).length;
  return {
    apiVersion: POLICY_API_VERSION,
    kind: "ImagePolicyCheck",
    ...(policy.source !== undefined ? { policy: policy.source } : {}),
    ...(typeof policy.metadata?.name === "string" ? { policyName: policy.metadata.name } : {}),
    checkedAt: now.toISOString(),
    images: results,
    summary: { images: results.length, passed: count("pass"), failed: count("fail"), errors: count("error") },
  };
}

const IMAGE_TRANSPORTS = new Set(["registry", "docker-archive", "oci", "oci-archive", "archive-auto"]);

async function checkImage(image: string, policy: ImagePolicy, opts: PolicyCheckOptions, now: Date): Promise<ImageResult> {
  const rules = policy.rules;
  const res: ImageResult = { image, verdict: "pass", rules: [], notes: [] };
  const add = (rule: RuleName, verdict: RuleResult["verdict"], reason: string, evidence: string[] = []): void => {
    res.rules.push({ rule, verdict, reason, evidence: cut(evidence) });
  };
  try {
    const target = parseTarget(image);
    let ref: ImageReference | undefined;
    if (target.transport === "registry") {
      ref = parseReference(target.ref);
      res.name = normalizedName(ref);
      res.reference = formatReference(ref);
    }
    const where = ref ? undefined : `${target.transport === "archive-auto" ? "a local archive" : `a ${target.transport} target`}, not a registry image`;

    if (rules.allowedRegistries) {
      if (!res.name) add("allowedRegistries", "fail", `${where}: its source registry is unknown`);
      else {
        const hit = rules.allowedRegistries.find((p) => (compileGlob(p) as { test(n: string): boolean }).test(res.name!));
        if (hit !== undefined) add("allowedRegistries", "pass", `${res.name} is allowed by "${hit}"`);
        else add("allowedRegistries", "fail", `${res.name} matches no allowed registry`, [`allowed: ${rules.allowedRegistries.join(", ")}`]);
      }
    }
    if (rules.requireDigest) {
      if (!ref) add("requireDigest", "fail", `${where}: no registry digest to pin`);
      else if (ref.digest) add("requireDigest", "pass", `pinned by digest ${ref.digest}`);
      else add("requireDigest", "fail", `referenced by tag "${ref.tag}", not by @sha256 digest`, [`pin it: ${res.name}@sha256:…`]);
    }

    const wantsImage = !!(rules.requireSignature || rules.requireAttestations || rules.forbidRootUser || rules.vulnerabilities || rules.forbidMalicious || rules.forbidEolOs);
    let opened: Image | undefined;
    if (wantsImage && IMAGE_TRANSPORTS.has(target.transport)) {
      const openOpts: OpenOptions = {};
      const s = opts.scan ?? {};
      if (s.platform) openOpts.platform = typeof s.platform === "string" ? parsePlatform(s.platform) : s.platform;
      if (s.insecure) openOpts.insecure = true;
      if (s.username !== undefined) openOpts.username = s.username;
      if (s.password !== undefined) openOpts.password = s.password;
      if (s.dockerConfigPath) openOpts.dockerConfigPath = s.dockerConfigPath;
      if (s.onProgress) openOpts.onProgress = s.onProgress;
      opened = await openImage(target, openOpts);
      await opened.close();
      if (opened.digest) res.digest = opened.digest;
    }
    // Everything after this reads the same image: the registry one by the digest just resolved.
    const pinned = ref && res.digest ? `registry:${res.name}@${res.digest}` : image;

    if (rules.requireSignature) {
      if (!ref || !res.digest) add("requireSignature", "fail", `${where ?? "no digest"}: signatures are looked up in the registry`);
      else if (!opts.verifier) add("requireSignature", "fail", NO_VERIFIER);
      else {
        try {
          const v = await opts.verifier.verifySignature(`${res.name}@${res.digest}`, res.digest, rules.requireSignature);
          add("requireSignature", v.ok ? "pass" : "fail", v.reason, v.evidence);
        } catch (e) {
          add("requireSignature", "fail", `verification failed: ${(e as Error).message}`);
        }
      }
    }
    if (rules.requireAttestations) {
      if (!ref || !res.digest) add("requireAttestations", "fail", `${where ?? "no digest"}: attestations are looked up in the registry`);
      else if (!opts.verifier) add("requireAttestations", "fail", NO_VERIFIER);
      else {
        try {
          const v = await opts.verifier.verifyAttestations(`${res.name}@${res.digest}`, res.digest, rules.requireAttestations, rules.requireSignature);
          add("requireAttestations", v.ok ? "pass" : "fail", v.reason, v.evidence);
        } catch (e) {
          add("requireAttestations", "fail", `verification failed: ${(e as Error).message}`);
        }
      }
    }

    if (rules.forbidRootUser) {
      if (!opened) add("forbidRootUser", "skipped", `${target.transport} target: no image config to read the user from`);
      else {
        const user = opened.config.config?.User ?? "";
        const root = rootUser(user);
        if (root) add("forbidRootUser", "fail", root, [`config User: ${JSON.stringify(user)}`]);
        else add("forbidRootUser", "pass", `runs as user ${JSON.stringify(user)}`, [`config User: ${JSON.stringify(user)}`]);
      }
    }

    const vulns = !!(rules.vulnerabilities || rules.forbidMalicious);
    if (vulns || rules.forbidEolOs) {
      const report = await scan(pinned, { ...opts.scan, scanners: vulns ? ["vuln"] : ["package"], now });
      if (!res.digest && report.artifact.digest) res.digest = report.artifact.digest;
      for (const e of report.errors) if (e.source === "vulndb" || e.source === "suppression") res.notes.push(`scan: ${e.message}`);
      if (rules.vulnerabilities) vulnerabilityRule(rules.vulnerabilities, report, now, add);
      if (rules.forbidMalicious) maliciousRule(report, add);
      if (rules.forbidEolOs) eolRule(report.artifact.os, now, add);
    }
  } catch (e) {
    if (!(e instanceof UserError) && !(e instanceof Error)) throw e;
    res.verdict = "error";
    res.error = oneLine((e as Error).message);
  }

  applyExceptions(res, policy.rules.exceptions ?? [], now);
  if (res.verdict !== "error") res.verdict = res.rules.some((r) => r.verdict === "fail") ? "fail" : "pass";
  return res;
}

/** Why `User` means root, or undefined. Only the user part counts ("0:1000" is root). */
export function rootUser(user: string): string | undefined {
  const name = user.trim().split(":")[0]!.trim();
  if (name === "") return "the image sets no user, so it runs as root";
  if (name === "root" || /^0+$/.test(name)) return `the image runs as ${JSON.stringify(user)} (root)`;
  return undefined;
}

const RANK: Record<Severity | "NONE", number> = { NONE: -1, UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

type Add = (rule: RuleName, verdict: RuleResult["verdict"], reason: string, evidence?: string[]) => void;

function vulnerabilityRule(rule: VulnerabilityRule, report: Report, now: Date, add: Add): void {
  const missing = (report.unchecked ?? []).filter((u) => u.cause === "advisories-missing");
  const notChecked = missing.reduce((n, u) => n + u.packages, 0);
  const counted: Vulnerability[] = [];
  let unfixed = 0;
  let young = 0;
  let allowed = 0;
  for (const v of report.vulnerabilities) {
    if (RANK[v.severity] <= RANK[rule.maxSeverity]) {
      allowed++;
      continue;
    }
    if (rule.ignoreUnfixed && (v.status !== "fixed" || v.fixedVersions.length === 0)) {
      unfixed++;
      continue;
    }
    if (rule.maxAgeDays !== undefined && v.publishedAt) {
      const published = Date.parse(v.publishedAt);
      if (Number.isFinite(published) && now.getTime() - published <= rule.maxAgeDays * DAY_MS) {
        young++;
        continue;
      }
    }
    counted.push(v);
  }
  const others = [
    allowed ? `${allowed} at or below ${rule.maxSeverity}` : "",
    unfixed ? `${unfixed} without a fix (ignoreUnfixed)` : "",
    young ? `${young} published within ${rule.maxAgeDays} days (maxAgeDays)` : "",
    (report.suppressed?.length ?? 0) ? `${report.suppressed!.length} suppressed (.bulwarkignore/VEX)` : "",
  ].filter(Boolean);
  const evidence = counted
    .sort((a, b) => RANK[b.severity] - RANK[a.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((v) => `${v.id} ${v.severity} in ${v.package.name} ${v.installedVersion}${v.fixedVersions.length ? `, fixed in ${v.fixedVersions.join(", ")}` : ", no fix"}${v.publishedAt ? `, published ${v.publishedAt.slice(0, 10)}` : ", publication date unknown"}`);
  if (evidence.length > MAX_EVIDENCE - 2) evidence.splice(MAX_EVIDENCE - 2, evidence.length, `… and ${evidence.length - (MAX_EVIDENCE - 2)} more`);
  if (notChecked > 0) evidence.unshift(`${notChecked} packages not checked: ${missing.map((u) => u.reason).join("; ")}`);
  if (others.length) evidence.unshift(`not counted: ${others.join("; ")}`);
  if (counted.length > 0) {
    add("vulnerabilities", "fail", `${counted.length} ${counted.length === 1 ? "vulnerability" : "vulnerabilities"} above ${rule.maxSeverity === "NONE" ? "none allowed" : rule.maxSeverity}`, evidence);
  } else if (notChecked > 0 && !rule.allowIncomplete) {
    add("vulnerabilities", "fail", `${notChecked} ${notChecked === 1 ? "package was" : "packages were"} not checked (no advisories for ${missing.map((u) => u.ecosystem).join(", ")}); set allowIncomplete to accept`, evidence);
  } else {
    add("vulnerabilities", "pass", `no vulnerability above ${rule.maxSeverity === "NONE" ? "none allowed" : rule.maxSeverity} (${report.vulnerabilities.length} found, ${report.packages.length} packages)`, evidence);
  }
}

function maliciousRule(report: Report, add: Add): void {
  const bad = report.vulnerabilities.filter((v) => v.malicious);
  const suppressed = (report.suppressed ?? []).filter((v) => v.malicious).length;
  const evidence = bad.map((v) => `${v.source.id} in ${v.package.purl}${v.title ? `: ${v.title}` : ""}`);
  if (suppressed) evidence.push(`${suppressed} suppressed (.bulwarkignore/VEX)`);
  if (bad.length) add("forbidMalicious", "fail", `${bad.length} malicious ${bad.length === 1 ? "package" : "packages"} (OSV MAL- advisories)`, evidence);
  else if ((report.unchecked ?? []).some((u) => u.cause === "advisories-missing")) {
    add("forbidMalicious", "fail", "packages could not be checked for malicious-package advisories", (report.unchecked ?? []).filter((u) => u.cause === "advisories-missing").map((u) => u.reason));
  } else add("forbidMalicious", "pass", `no malicious-package advisory matched (${report.packages.length} packages)`, evidence);
}

/** Releases older than every entry of the scanner's end-of-life table ended before it. */
const OLDER_THAN_TABLE: Record<string, number[]> = { debian: [8], ubuntu: [14, 4], alpine: [3, 10], rhel: [6], centos: [6], ol: [6] };

function eolRule(os: OSInfo | null, now: Date, add: Add): void {
  if (!os) {
    add("forbidEolOs", "skipped", "no OS release found (distroless or scratch image)");
    return;
  }
  const name = os.prettyName ?? `${os.family} ${os.version}`;
  if (os.eol) {
    if (os.eol.eol || Date.parse(`${os.eol.date}T00:00:00Z`) <= now.getTime()) add("forbidEolOs", "fail", `${name} reached end of life on ${os.eol.date}`, [`os: ${os.family} ${os.version}`]);
    else add("forbidEolOs", "pass", `${name} is supported until ${os.eol.date}`, [`os: ${os.family} ${os.version}`]);
    return;
  }
  const floor = OLDER_THAN_TABLE[os.family];
  const parts = os.version.split(/[.-]/).map((p) => Number(p));
  if (floor && parts.every((p, i) => i >= floor.length || Number.isInteger(p)) && older(parts, floor)) {
    add("forbidEolOs", "fail", `${name} is older than every ${os.family} release still in Bulwark's end-of-life table (from ${floor.join(".")}), all of them ended`, [`os: ${os.family} ${os.version}`]);
    return;
  }
  add("forbidEolOs", "skipped", `no end-of-life date known for ${os.family} ${os.version}`, [`os: ${os.family} ${os.version}`]);
}

function older(v: number[], floor: number[]): boolean {
  for (let i = 0; i < floor.length; i++) {
    const a = v[i] ?? 0;
    if (!Number.isFinite(a)) return false;
    if (a !== floor[i]) return a < floor[i]!;
  }
  return false;
}

/** Active exceptions turn their rules' failures into "excepted"; expired ones are said and ignored. */
export function applyExceptions(res: ImageResult, exceptions: PolicyException[], now: Date): void {
  if (!res.name) return;
  for (const x of exceptions) {
    const g = compileGlob(x.image);
    if (typeof g === "string" || !g.test(res.name)) continue;
    const ends = Date.parse(`${x.until}T00:00:00Z`) + DAY_MS;
    if (now.getTime() >= ends) {
      res.notes.push(`exception "${x.image}" expired on ${x.until} (${x.reason}): ignored`);
      continue;
    }
    for (const r of res.rules) {
      if (r.verdict !== "fail" || (x.rules && !x.rules.includes(r.rule))) continue;
      r.verdict = "excepted";
      r.exception = { image: x.image, until: x.until, reason: x.reason };
    }
  }
}

function cut(lines: string[]): string[] {
  if (lines.length <= MAX_EVIDENCE) return lines.map(oneLine);
  return [...lines.slice(0, MAX_EVIDENCE).map(oneLine), `… and ${lines.length - MAX_EVIDENCE} more`];
}

/** Report text comes from images and advisories: no control characters, one line. */
function oneLine(s: string): string {
  return s.replace(/\p{Cc}+/gu, " ").trim();
}
