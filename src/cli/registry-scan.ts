// `bulwark registry scan REGISTRY[/NAMESPACE]`: every repository and tag of a registry (see
// docs/registry-scan.md). Registered on the shared `registry` command, which `registry audit`
// may also add to.
import { advisoryOptions, advisorySettings, cacheOptions, parseExitCode, parseSeverities, registryAccess, registryAccessOptions, SEVERITIES, type CacheFlags, type RegistryAccessFlags, type AdvisoryFlags } from "./common.js";
import { Option, type Command } from "commander";
import {
  defaultDbPath, isUserError, parseDuration, registryScan, SCANNERS, UserError,
  type RegistryScanOptions, type RegistryScanProgress, type RegistryScanResult,
} from "../index.js";
import { writeOutput } from "./output.js";
import { lockWaitNotice } from "./progress.js";

interface Flags extends RegistryAccessFlags, CacheFlags, AdvisoryFlags {
  repo?: string[];
  tag?: string[];
  maxTags?: string;
  since?: string;
  concurrency: string;
  platform?: string[];
  format: string;
  output?: string;
  full?: boolean;
  outputDir?: string;
  state?: string;
  exitCode?: string;
  allowIncomplete?: boolean;
  scanners: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  includeDeclared?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

const repeat = (v: string, acc: string[] = []): string[] => [...acc, v];

/** What run.ts lends the command: its --debug switch and its exit (fatal errors, --exit-code). */
export interface RegistryScanHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

/** Adds `registry scan` (and the `registry` command when no other file made it). */
export function registerRegistryScan(program: Command, hooks: RegistryScanHooks): void {
  const registry = program.commands.find((c) => c.name() === "registry") ?? program.command("registry").description("whole registries: scan their images, audit their configuration");
  advisoryOptions(registryAccessOptions(cacheOptions(registry
    .command("scan")
    .description("scan every repository and tag of a registry (through /v2/_catalog and tags/list)")
    .argument("<registry>", "REGISTRY[/NAMESPACE], e.g. registry.internal:5000 or registry.internal:5000/team")
    .option("--repo <glob>", "only repositories matching (repeatable; * stops at /, ** does not)", repeat)
    .option("--tag <glob>", "only tags matching (repeatable)", repeat)
    .option("--max-tags <n>", "per repository, the newest N tags (by image creation time; lexically last when unknown)")
    .option("--since <duration>", "only images created within this duration (e.g. 24h, 7d)")
    .option("--concurrency <n>", "images scanned at once", "3")
    .option("--platform <os/arch[/variant]>", "platform of multi-platform images (repeatable, or all; default linux/amd64)", repeat)
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-o, --output <file>", "write the result to a file (atomically) instead of stdout")
    .option("--full", "json: embed each image's full report (as scan --format json)")
    .option("--output-dir <dir>", "write one full report per image digest (sha256-<hex>.json)")
    .option("--state <file>", "incremental state: digests already scanned are not pulled again")
    .option("--exit-code <n>", "exit with this code when any vulnerability is reported or any package could not be checked (0 otherwise)")
    .option("--allow-incomplete", "with --exit-code: do not fail because packages could not be checked (no advisories for them)")
    .option("--scanners <list>", `comma-separated scanners: ${SCANNERS.join(", ")} (package always runs)`, "vuln")
    .option("--severity <list>", `report only these severities (${SEVERITIES.join(",")})`)
    .option("--ignore-unfixed", "report only vulnerabilities that have a fix"))))
    .option("--include-declared", "also report packages that only lockfiles and manifests declare")
    .option("-q, --quiet", "no progress or warnings on stderr")
    .option("--debug", "show stack traces on errors")
    .action(async (target: string, flags: Flags) => {
      hooks.setDebug(!!flags.debug);
      const opts = await options(flags);
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      let result: RegistryScanResult;
      try {
        result = await registryScan(target, opts);
      } catch (e) {
        // Usage errors keep exit code 2; a registry that cannot be listed at all is fatal: 1.
        if (!isUserError(e) || e.code === "USAGE") throw e;
        process.stderr.write(`bulwark: ${e.message}\n`);
        if (flags.debug && e.stack) process.stderr.write(`${e.stack}\n`);
        hooks.exit(1);
      }
      if (!flags.quiet) for (const e of result.errors) process.stderr.write(`bulwark: warning: ${e.repository || "catalog"}${e.tag ? `:${e.tag}` : ""}: ${e.message}\n`);
      const text = flags.format === "json" ? JSON.stringify(result, null, 2) + "\n" : table(result);
      await writeOutput(text, flags.output);
      // As in `scan`: packages that could not be checked are said whatever the format (even with
      // -q), and fail the gate unless --allow-incomplete.
      const incomplete = result.images.filter((i) => (i.unchecked ?? 0) > 0);
      if (incomplete.length) {
        const what = `${incomplete.length} ${incomplete.length === 1 ? "image has" : "images have"} packages that were not checked for vulnerabilities (no advisories for their ecosystem in the database)`;
        if (exitCode !== 0 && !flags.allowIncomplete) {
          process.stderr.write(`bulwark: ${what}; pass --allow-incomplete to accept incomplete results\n`);
          hooks.exit(exitCode);
        }
        process.stderr.write(`bulwark: warning: ${what}\n`);
      }
      const found = result.images.some((i) => SEVERITIES.some((s) => i.summary.vulnerabilities[s] > 0));
      if (exitCode !== 0 && found) hooks.exit(exitCode);
    });
}

async function options(flags: Flags): Promise<RegistryScanOptions> {
  const opts: RegistryScanOptions = {};
  if (flags.repo) opts.repo = flags.repo;
  if (flags.tag) opts.tag = flags.tag;
  if (flags.maxTags !== undefined) opts.maxTags = positive(flags.maxTags, "--max-tags");
  if (flags.since !== undefined) opts.sinceMs = parseDuration(flags.since);
  opts.concurrency = positive(flags.concurrency, "--concurrency");
  if (flags.platform) {
    if (flags.platform.includes("all")) {
      if (flags.platform.length > 1) throw new UserError("USAGE", "--platform all cannot be combined with other platforms");
      opts.platforms = "all";
    } else {
      opts.platforms = flags.platform;
    }
  }
  if (flags.full) {
    if (flags.format !== "json") throw new UserError("USAGE", "--full needs --format json");
    opts.full = true;
  }
  if (flags.outputDir) opts.outputDir = flags.outputDir;
  if (flags.state) opts.state = flags.state;
  Object.assign(opts, await registryAccess(flags));
  if (flags.cacheDir) opts.cacheDir = flags.cacheDir;
  if (!flags.cache) opts.noCache = true;
  if (flags.includeDeclared) opts.includeDeclared = true;
  const scanners = flags.scanners.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = scanners.filter((s) => !(SCANNERS as readonly string[]).includes(s));
  if (unknown.length) throw new UserError("USAGE", `unknown scanner(s): ${unknown.join(", ")} (available: ${SCANNERS.join(", ")})`);
  opts.scanners = scanners;
  const vuln = advisorySettings(flags);
  if (flags.severity) vuln.severities = parseSeverities(flags.severity);
  if (flags.ignoreUnfixed) vuln.ignoreUnfixed = true;
  if (!flags.quiet) vuln.onDbLockWait = lockWaitNotice(flags.db ?? defaultDbPath());
  opts.vuln = vuln;
  if (!flags.quiet && process.stderr.isTTY === true) opts.onProgress = progress();
  if (flags.debug) opts.log = (line) => process.stderr.write(`debug: ${line}\n`);
  return opts;
}

function progress(): (e: RegistryScanProgress) => void {
  let repos = "";
  let images = "";
  let bytes = 0;
  let last = 0;
  process.once("exit", () => process.stderr.write("\r\x1b[2K"));
  return (e) => {
    if (e.kind === "repositories") repos = `repositories ${e.listed}/${e.total} listed`;
    else if (e.kind === "images") images = `images ${e.done}/${e.total} done${e.reused ? ` (${e.reused} from state)` : ""}`;
    else bytes = e.bytes;
    const now = Date.now();
    if (e.kind === "bytes" && now - last < 100) return;
    last = now;
    const mb = bytes > 0 ? `${(bytes / 2 ** 20).toFixed(1)} MiB pulled` : "";
    process.stderr.write(`\r\x1b[2K${[repos, images, mb].filter(Boolean).join(", ")}`);
  };
}

function table(r: RegistryScanResult): string {
  const rows = r.images.flatMap((i) =>
    i.tags.map((t) => [
      `${i.repository}:${t}`,
      (i.manifestDigest ?? i.digest).replace(/^sha256:/, "").slice(0, 12),
      i.platform,
      i.os ?? "-",
      String(i.summary.packages),
      ...SEVERITIES.map((s) => String(i.summary.vulnerabilities[s])),
    ]),
  );
  rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[2]! < b[2]! ? -1 : 1));
  const head = ["IMAGE", "DIGEST", "PLATFORM", "OS", "PACKAGES", ...SEVERITIES];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const clean = (s: string) => s.replace(/\p{Cc}/gu, "?");
  const lines = all.map((row) => row.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd());
  const out = [`registry ${r.registry}: ${r.images.length} images, ${rows.length} tags${r.errors.length ? `, ${r.errors.length} errors` : ""}`, "", ...lines.map(clean)];
  if (r.errors.length) {
    out.push("", "ERRORS");
    for (const e of r.errors) out.push(clean(`${e.repository || "(catalog)"}${e.tag ? `:${e.tag}` : ""}: ${e.message}`));
  }
  return out.join("\n") + "\n";
}

function positive(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UserError("USAGE", `${flag} must be a positive integer, got "${s}"`);
  return n;
}


