// Small helpers every command file shares.
import type { Command } from "commander";
import { UserError, type Severity, type VulnScanOptions } from "../index.js";

/** `--exit-code N`: 0-255, and not 2 (usage and input errors). */
export function parseExitCode(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new UserError("USAGE", `--exit-code must be an integer 0-255, got "${s}"`);
  if (n === 2) throw new UserError("USAGE", "--exit-code 2 is reserved for errors; choose another code (1 is usual)");
  return n;
}

/** Standard input as text, one trailing newline removed (`--password-stdin`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** --insecure, --username, --password-stdin, --docker-config: how a registry is reached. */
export function registryAccessOptions(cmd: Command): Command {
  return cmd
    .option("--insecure", "allow plain HTTP and unverified TLS for the registry")
    .option("--username <user>", "registry user name")
    .option("--password-stdin", "read the registry password from standard input")
    .option("--docker-config <file>", "docker config.json with registry credentials (default ~/.docker/config.json)");
}

/** --cache-dir, --no-cache: the layer cache. */
export function cacheOptions(cmd: Command): Command {
  return cmd
    .option("--cache-dir <dir>", "layer cache directory (default: $XDG_CACHE_HOME/bulwark)")
    .option("--no-cache", "do not read or write the layer cache");
}

/** --db, --db-repository, --offline, --skip-db-update: the advisory database of a scan. */
export function advisoryOptions(cmd: Command): Command {
  return cmd
    .option("--db <path>", "advisory database (default: $BULWARK_DB or the user cache dir)")
    .option("--db-repository <url|dir>", "where advisory updates come from (https base URL, file:// URL or mirror directory)")
    .option("--offline", "never touch the network for advisories")
    .option("--skip-db-update", "use the advisory database as it is");
}

/** What registryAccessOptions() parses. */
export interface RegistryAccessFlags {
  insecure?: boolean;
  username?: string;
  passwordStdin?: boolean;
  dockerConfig?: string;
}

/** How a registry is reached, in the library's option names (the password read from stdin). */
export interface RegistryAccess {
  insecure?: boolean;
  username?: string;
  password?: string;
  dockerConfigPath?: string;
}

export async function registryAccess(flags: RegistryAccessFlags): Promise<RegistryAccess> {
  const out: RegistryAccess = {};
  if (flags.insecure) out.insecure = true;
  if (flags.username) out.username = flags.username;
  if (flags.passwordStdin) out.password = await readStdin();
  if (flags.dockerConfig) out.dockerConfigPath = flags.dockerConfig;
  return out;
}

/** What cacheOptions() parses. */
export interface CacheFlags {
  cacheDir?: string;
  cache: boolean;
}

/** What advisoryOptions() parses. */
export interface AdvisoryFlags {
  db?: string;
  dbRepository?: string;
  offline?: boolean;
  skipDbUpdate?: boolean;
}

/** What cacheOptions() parses, as scan options. */
export function cacheSettings(flags: CacheFlags): { cacheDir?: string; noCache: boolean } {
  return { noCache: !flags.cache, ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}) };
}

/** What advisoryOptions() parses, as vulnerability-scan options. */
export function advisorySettings(flags: AdvisoryFlags): VulnScanOptions {
  const vuln: VulnScanOptions = {};
  if (flags.db) vuln.db = flags.db;
  if (flags.dbRepository) vuln.dbRepository = flags.dbRepository;
  if (flags.offline) vuln.offline = true;
  if (flags.skipDbUpdate) vuln.skipDbUpdate = true;
  return vuln;
}

export const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

/** A comma-separated list, trimmed, empty items dropped. */
export function splitList(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter(Boolean);
}

/** `--severity LIST`, case-insensitive. */
export function parseSeverities(s: string): Severity[] {
  const out = splitList(s).map((x) => x.toUpperCase());
  const bad = out.filter((x) => !SEVERITIES.includes(x as Severity));
  if (bad.length) throw new UserError("USAGE", `unknown severity ${bad.join(", ")} (use ${SEVERITIES.join(",")})`);
  return out as Severity[];
}
