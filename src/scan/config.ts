// `bulwark config PATH…`: Dockerfiles, Kubernetes manifests and Compose files, from files or
// directories walked recursively (node_modules and VCS folders skipped).
import { lstat, opendir } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { isComposeFile, scanCompose } from "../misconfig/compose/index.js";
import { isDockerfile, scanDockerfile } from "../misconfig/dockerfile/index.js";
import { KubernetesScanner, isKubernetesCandidate, parsePssVersion, PSS_LATEST_MINOR } from "../misconfig/kubernetes/index.js";
import type { PssVersion } from "../misconfig/kubernetes/index.js";
import { readTextFile } from "./files.js";
import { UserError } from "../errors.js";
import { compareText } from "../report/common/compare.js";
import { dropIgnoredFindings } from "./ignore.js";
import { redactReport } from "./redact.js";
import { scanText } from "../secrets/index.js";
import type { Misconfiguration, Report, ReportError } from "../model/index.js";
import { toolVersion } from "../version.js";

const SKIP_DIRS = new Set(["node_modules", ".git", ".hg", ".svn", "vendor", ".terraform"]);
const MAX_FILE = 10 * 2 ** 20;

interface Found {
  kind: "dockerfile" | "compose" | "kubernetes";
  path: string;
  /** As reported: relative to the scan root. */
  rel: string;
}

async function collect(root: string, out: Found[], errors: ReportError[]): Promise<void> {
  let st;
  try {
    st = await lstat(root);
  } catch (e) {
    throw new UserError("NOT_FOUND", `${root}: no such file or directory (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const classify = (path: string, rel: string): void => {
    const name = basename(path);
    if (isDockerfile(name)) out.push({ kind: "dockerfile", path, rel });
    else if (isComposeFile(name)) out.push({ kind: "compose", path, rel });
    else if (isKubernetesCandidate(name)) out.push({ kind: "kubernetes", path, rel });
  };
  if (st.isFile()) {
    classify(root, basename(root));
    return;
  }
  if (!st.isDirectory()) throw new UserError("INPUT", `${root}: not a file or directory`);
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let handle;
    try {
      handle = await opendir(dir);
    } catch (e) {
      errors.push({ source: "config", message: (e as Error).message, path: dir });
      continue;
    }
    const subdirs: string[] = [];
    for await (const d of handle) {
      const full = join(dir, d.name);
      if (d.isDirectory()) {
        if (!SKIP_DIRS.has(d.name)) subdirs.push(full);
      } else if (d.isFile()) classify(full, relative(root, full));
    }
    stack.push(...subdirs.sort().reverse());
  }
}

export interface ConfigScanOptions {
  severities?: string[];
  /** `.bulwarkignore` (entries by rule id); default ./.bulwarkignore when present; false: none. */
  ignoreFile?: string | false;
  now?: Date;
  /**
   * Pod Security Standards version for the Kubernetes rules, as a namespace pins it for the
   * admission controller: "v1.30", or "latest" (the default: the newest this build knows).
   */
  pssVersion?: string;
}

/** "latest" or "v1.N" → the version; anything else is a usage error. */
export function resolvePssVersion(text: string | undefined): PssVersion {
  const v = parsePssVersion(text ?? "latest");
  if (!v) throw new UserError("USAGE", `--pss-version must be "latest" or a version v1.0 to v1.${PSS_LATEST_MINOR} (as in pod-security.kubernetes.io/enforce-version), got "${text}"`);
  return v;
}

export async function scanConfig(paths: string[], opts: ConfigScanOptions = {}): Promise<Report> {
  // Options are checked before any file is read, so usage errors come first.
  const pss = resolvePssVersion(opts.pssVersion);
  if (paths.length === 0) throw new UserError("USAGE", "no files or directories given");
  const found: Found[] = [];
  const errors: ReportError[] = [];
  for (const p of paths) await collect(p, found, errors);
  const misconfigurations: Misconfiguration[] = [];
  const secrets = new Set<string>();
  // Manifests are checked as they are read: no file's text or yaml nodes outlive its turn.
  const k8s = new KubernetesScanner({ pss });
  for (const f of found) {
    const read = readTextFile(f.path, MAX_FILE);
    if ("error" in read) {
      errors.push({ source: "config", message: read.error.message, path: f.rel });
      continue;
    }
    if ("tooLarge" in read) {
      errors.push({ source: "config", message: `skipped: larger than ${MAX_FILE} bytes`, path: f.rel });
      continue;
    }
    const text = read.text;
    // Secrets in the file (a token in a RUN line, a password in an env value) are redacted in
    // every message that quotes the file; this command reports misconfigurations, not secrets.
    scanText(text, f.rel, secrets);
    if (f.kind === "kubernetes") {
      k8s.add(f.rel, text);
      continue;
    }
    const failures: string[] = [];
    try {
      if (f.kind === "dockerfile") {
        const dockerignore = await lstat(join(f.path, "..", ".dockerignore")).then(() => true, () => false);
        misconfigurations.push(...scanDockerfile(text, f.rel, { hasDockerignore: dockerignore }, failures));
      } else misconfigurations.push(...scanCompose(text, f.rel, failures));
    } catch (e) {
      errors.push({ source: f.kind, message: (e as Error).message, path: f.rel });
    }
    for (const message of failures) errors.push({ source: f.kind, message, path: f.rel });
  }
  const k = k8s.finish();
  for (const m of k.findings) misconfigurations.push(m);
  for (const e of k.errors) errors.push({ source: "kubernetes", message: e.message, path: e.path });
  const report: Report = {
    schemaVersion: 1,
    tool: { name: "bulwark", version: toolVersion() },
    artifact: { target: paths.join(" "), type: "config", os: null, layers: [] },
    packages: [],
    vulnerabilities: [],
    secrets: [],
    misconfigurations,
    errors,
  };
  redactReport(report, secrets);
  dropIgnoredFindings(report, opts.ignoreFile, opts.now ?? new Date());
  report.misconfigurations = report.misconfigurations
    .filter((m) => !opts.severities || opts.severities.includes(m.severity))
    .sort((a, b) => compareText(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || compareText(a.ruleId, b.ruleId));
  return report;
}
