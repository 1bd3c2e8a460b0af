// Command-line front end: thin over the library, so the server can reuse the same code.
import { advisoryOptions, advisorySettings, cacheOptions, cacheSettings, parseExitCode, parseSeverities, registryAccess, registryAccessOptions, SEVERITIES, splitList, type CacheFlags, type RegistryAccessFlags, type AdvisoryFlags } from "./common.js";
import { Command, CommanderError, Option } from "commander";
import {
  cosignPolicyVerifier, dbStatus, defaultDbPath, loadCel, getWriter, importPaths, isUserError, listRules, reportFormats, scan, SCANNERS, scanConfig, toolVersion, updateDb, UserError,
  type ConfigScanOptions, type Report, type ScanOptions,
} from "../index.js";
import { writeOutput } from "./output.js";
import { dbProgress, lockWaitNotice, progressReporter } from "./progress.js";
import { registerPolicy } from "./policy.js";
import { registerRegistryAudit } from "./registry-audit.js";
import { registerCosignCommands, sbomFromAttestation } from "./cosign.js";
import { registerVerifyBlob } from "./verify-blob.js";
import { registerRegistryScan } from "./registry-scan.js";
import { registerHost } from "./host.js";
import { registerDrift } from "./drift.js";
import { registerK8s } from "./k8s.js";
import { registerRuntime } from "./runtime.js";
import { registerK8sRbac } from "./k8s-rbac.js";
import { registerAdmission } from "./admission.js";
import { registerServer, uploadReport } from "./server.js";

interface ImageFlags extends RegistryAccessFlags, CacheFlags {
  format: string;
  output?: string;
  platform?: string;
  quiet?: boolean;
  debug?: boolean;
  includeDeclared?: boolean;
}

interface ScanFlags extends ImageFlags, AdvisoryFlags {
  scanners: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  exitCode?: string;
  ignorefile?: string;
  vex?: string[];
  matchOsOwned?: boolean;
  allowIncomplete?: boolean;
  pssVersion?: string;
  sbomFromAttestation?: boolean;
  key?: string[];
  server?: string;
  token?: string;
}


/** Thrown to leave with a chosen exit code after output was written. */
class Exit {
  constructor(readonly code: number) {}
}

export async function run(argv: string[]): Promise<number> {
  let debug = argv.includes("--debug");
  const program = new Command("bulwark")
    .description("Container security scanner: image inventory, SBOMs and vulnerabilities")
    .version(toolVersion(), "-v, --version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");

  const imageOptions = (cmd: Command, defaultFormat: string, formats: string[]): Command =>
    registryAccessOptions(cacheOptions(cmd))
      .argument("<target>", "docker-archive:PATH, oci:DIR[:TAG|@DIGEST], oci-archive:PATH, registry:REF or a bare ref, rootfs:PATH (installed system), dir:PATH (project tree), sbom:PATH")
      .addOption(new Option("-f, --format <format>", "output format").choices(formats).default(defaultFormat))
      .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
      .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image (default linux/amd64)")
      .option("--include-declared", "images and root filesystems: also report packages that only lockfiles and manifests declare")
      .option("-q, --quiet", "no progress output")
      .option("--debug", "show stack traces on errors");

  const baseOptions = async (flags: ImageFlags): Promise<ScanOptions> => {
    debug = !!flags.debug;
    const opts: ScanOptions = { ...cacheSettings(flags), ...(await registryAccess(flags)) };
    if (flags.platform) opts.platform = flags.platform;
    if (flags.includeDeclared) opts.includeDeclared = true;
    const progress = progressReporter(!flags.quiet && process.stderr.isTTY === true);
    if (progress) opts.onProgress = progress;
    return opts;
  };

  const emit = async (report: Report, flags: { format: string; output?: string }): Promise<void> => {
    const writer = getWriter(flags.format);
    const color = flags.format === "table" && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
    await writeOutput(writer.writeChunks ? writer.writeChunks(report, { color }) : writer.write(report, { color }), flags.output);
  };

  imageOptions(program.command("sbom").description("inventory an image, root filesystem or SBOM and write an SBOM"), "cyclonedx-json", ["json", "cyclonedx-json", "spdx-json", "table"])
    .action(async (target: string, flags: ImageFlags) => {
      const opts = await baseOptions(flags);
      await emit(await scan(target, opts), flags);
    });

  advisoryOptions(imageOptions(program.command("scan").description("scan an image, root filesystem or SBOM for vulnerabilities"), "table", reportFormats()))
    .option("--scanners <list>", `comma-separated scanners: ${SCANNERS.join(", ")} (package always runs)`, "vuln")
    .option("--severity <list>", `report only these severities (${SEVERITIES.join(",")})`)
    .option("--ignore-unfixed", "report only vulnerabilities that have a fix")
    .option("--exit-code <n>", "exit with this code when any vulnerability is reported or any package could not be checked (0 otherwise)")
    .option("--allow-incomplete", "with --exit-code: do not fail because packages could not be checked (no advisories for them)")
    .option("--ignorefile <file>", "ignore rules (YAML); default ./.bulwarkignore when present")
    .option("--vex <file>", "OpenVEX or CycloneDX VEX document (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--match-os-owned", "also match language packages owned by OS packages as language packages")
    .option("--pss-version <version>", "with --scanners misconfig on dir: targets: Pod Security Standards version (v1.N or latest)")
    .option("--sbom-from-attestation", "scan the image's attached CycloneDX/SPDX attestation instead of its layers")
    .option("--key <file>", "with --sbom-from-attestation: public key to verify the attestation with (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--server <url>", "also upload the report to a Bulwark server (it stores the inventory and matches it itself)")
    .option("--token <token>", "API token for --server (default: $BULWARK_TOKEN)")
    .action(async (target: string, flags: ScanFlags) => {
      const opts = await baseOptions(flags);
      opts.scanners = splitList(flags.scanners).map((s) => s.toLowerCase());
      if (!opts.scanners.includes("package")) opts.scanners.push("package");
      const vuln = advisorySettings(flags);
      if (flags.severity) vuln.severities = parseSeverities(flags.severity);
      if (flags.ignoreUnfixed) vuln.ignoreUnfixed = true;
      if (flags.ignorefile) vuln.ignoreFile = flags.ignorefile;
      if (flags.vex) vuln.vex = flags.vex;
      if (flags.matchOsOwned) vuln.matchOsOwned = true;
      if (flags.pssVersion) opts.pssVersion = flags.pssVersion;
      if (opts.onProgress) vuln.onDbProgress = dbProgress(true);
      if (!flags.quiet) vuln.onDbLockWait = lockWaitNotice(flags.db ?? defaultDbPath());
      opts.vuln = vuln;
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      if (flags.key && !flags.sbomFromAttestation) throw new UserError("USAGE", "--key is for --sbom-from-attestation");
      const attached = flags.sbomFromAttestation ? await sbomFromAttestation(target, flags.key, opts, !!flags.quiet) : undefined;
      const report = await scan(attached?.target ?? target, opts).finally(() => attached?.cleanup());
      // The table shows warnings itself; machine formats get them on stderr.
      const tableOnStdout = flags.format === "table" && !flags.output;
      if (!flags.quiet && !tableOnStdout) for (const e of report.errors) if (e.source === "vulndb" || e.source === "suppression") process.stderr.write(`bulwark: warning: ${e.message}\n`);
      await emit(report, flags);
      if (flags.server) await uploadReport(report, flags.server, flags.token ?? process.env.BULWARK_TOKEN);
      // Packages that were not checked are said on stderr whatever the format (even with -q):
      // a report without findings must not be mistaken for a clean image.
      // Only packages whose advisories could not be loaded fail the gate: those with no advisory
      // source at all would fail it on every run, and the flag would become a habit.
      const incomplete = incompleteness(report);
      const gating = incompleteness(report, "advisories-missing");
      if (incomplete) {
        if (gating && flags.allowIncomplete) {
          process.stderr.write(`bulwark: incomplete results accepted (--allow-incomplete): ${gating.count} ${gating.count === 1 ? "package" : "packages"} not checked\n`);
        } else if (gating && exitCode !== 0) {
          process.stderr.write(`bulwark: ${gating.count} ${gating.count === 1 ? "package was" : "packages were"} not checked for vulnerabilities (${gating.ecosystems}); pass --allow-incomplete to accept incomplete results\n`);
          throw new Exit(exitCode);
        } else {
          process.stderr.write(`bulwark: warning: ${incomplete.count} of ${report.packages.length} packages were not checked for vulnerabilities (${incomplete.reasons})\n`);
        }
      }
      if (exitCode !== 0 && report.vulnerabilities.length > 0) throw new Exit(exitCode);
    });

  program
    .command("config")
    .description("check Dockerfiles, Kubernetes manifests and Compose files for misconfigurations")
    .argument("<paths...>", "files or directories (walked recursively)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "sarif"]).default("table"))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--severity <list>", "report only these severities (CRITICAL,HIGH,MEDIUM,LOW)")
    .option("--exit-code <n>", "exit with this code when any misconfiguration is reported (0 otherwise)")
    .option("--ignorefile <file>", "ignore rules (YAML, by rule id); default ./.bulwarkignore when present")
    .option("--pss-version <version>", "Pod Security Standards version to check Kubernetes manifests against, as in pod-security.kubernetes.io/enforce-version: v1.N or latest", "latest")
    .option("--policy-dir <dir>", "also apply the ValidatingAdmissionPolicies (CEL) in this directory, with their bindings and params")
    .option("-q, --quiet", "no warnings on stderr")
    .option("--debug", "show stack traces on errors")
    .action(async (paths: string[], flags: { format: string; output?: string; severity?: string; exitCode?: string; ignorefile?: string; pssVersion: string; policyDir?: string; quiet?: boolean; debug?: boolean }) => {
      debug = !!flags.debug;
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      const opts: ConfigScanOptions = { pssVersion: flags.pssVersion };
      if (flags.severity) opts.severities = parseSeverities(flags.severity);
      if (flags.ignorefile) opts.ignoreFile = flags.ignorefile;
      const cel = flags.policyDir ? await loadCel() : undefined;
      const celPolicies = cel?.loadCelPolicies(flags.policyDir!);
      const report = await scanConfig(paths, opts);
      if (cel && celPolicies) cel.addCelFindings(report, cel.celMisconfigurations(paths, celPolicies, opts));
      if (!flags.quiet) for (const e of report.errors) process.stderr.write(`bulwark: warning: ${e.path ? e.path + ": " : ""}${e.message}\n`);
      await emit(report, flags);
      if (exitCode !== 0 && report.misconfigurations.length > 0) throw new Exit(exitCode);
    });

  program
    .command("rules")
    .description("list the misconfiguration and secret rules")
    .command("list")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (flags: { format: string }) => {
      const rules = listRules();
      if (flags.format === "json") {
        await writeOutput(JSON.stringify(rules, null, 2) + "\n", undefined);
        return;
      }
      const w = Math.max(...rules.map((r) => r.id.length));
      const lines = rules.map((r) => {
        const refs = Object.entries(r.references).filter(([k]) => k !== "urls").map(([k, v]) => `${k}:${typeof v === "object" ? `${(v as { control: string }).control} (${(v as { level: string }).level})` : v}`).join(" ");
        return `${r.id.padEnd(w)}  ${r.severity.padEnd(8)}  ${r.title}${refs ? `  [${refs}]` : ""}\n`;
      });
      await writeOutput(lines.join(""), undefined);
    });

  const db = program.command("db").description("manage the advisory database (OSV)");
  db.command("update")
    .description("download advisories (full all.zip the first time, then only what changed)")
    .option("--ecosystems <list>", "OSV ecosystems, e.g. Debian,Alpine,npm,PyPI (default: those already in the DB)")
    .option("--db <path>", "advisory database path")
    .option("--db-repository <url|dir>", "base URL, file:// URL or mirror directory laid out as osv.dev's bucket")
    .option("-q, --quiet", "no progress output")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: { ecosystems?: string; db?: string; dbRepository?: string; quiet?: boolean; debug?: boolean }) => {
      debug = !!flags.debug;
      const path = flags.db ?? defaultDbPath();
      const ecosystems = flags.ecosystems ? splitList(flags.ecosystems) : dbStatus(path).ecosystems.map((e) => e.ecosystem);
      if (ecosystems.length === 0) throw new UserError("USAGE", "the database is empty: name what to fetch with --ecosystems, e.g. --ecosystems Debian,npm,PyPI");
      const opts: Parameters<typeof updateDb>[1] = { ecosystems };
      if (flags.dbRepository) opts.repository = flags.dbRepository;
      const progress = dbProgress(!flags.quiet && process.stderr.isTTY === true);
      if (progress) opts.onProgress = progress;
      if (!flags.quiet) opts.onLockWait = lockWaitNotice(path);
      const results = await updateDb(path, opts);
      await writeOutput(results.map((r) => `${r.ecosystem}: ${r.mode} update, ${r.records} records\n`).join(""), undefined);
    });
  db.command("import")
    .description("import OSV records from directories, zip archives or JSON files (air-gapped)")
    .argument("<paths...>")
    .option("--db <path>", "advisory database path")
    .option("--debug", "show stack traces on errors")
    .action(async (paths: string[], flags: { db?: string; debug?: boolean }) => {
      debug = !!flags.debug;
      const path = flags.db ?? defaultDbPath();
      const r = await importPaths(path, paths, { onLockWait: lockWaitNotice(path) });
      for (const e of r.errors.slice(0, 20)) process.stderr.write(`bulwark: warning: ${e}\n`);
      if (r.errors.length > 20) process.stderr.write(`bulwark: warning: ... and ${r.errors.length - 20} more\n`);
      await writeOutput(`imported ${r.imported} records, skipped ${r.skipped}, ${r.errors.length} errors\n`, undefined);
    });
  db.command("status")
    .description("show ecosystems, record counts, last update and age")
    .option("--db <path>", "advisory database path")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (flags: { db?: string; format: string }) => {
      const s = dbStatus(flags.db ?? defaultDbPath());
      if (flags.format === "json") {
        await writeOutput(JSON.stringify(s, null, 2) + "\n", undefined);
        return;
      }
      if (!s.exists) {
        await writeOutput(`no advisory database at ${s.path}\n`, undefined);
        return;
      }
      const w = Math.max(9, ...s.ecosystems.map((e) => e.ecosystem.length));
      await writeOutput(
        [
          `database: ${s.path}\nrecords:  ${s.records}\nbuilt:    ${s.builtAt ?? "unknown"}${s.ageHours !== undefined ? ` (${s.ageHours.toFixed(1)} h ago)` : ""}\n\n`,
          `${"ECOSYSTEM".padEnd(w)}  ${"RECORDS".padStart(8)}  UPDATED\n`,
          ...s.ecosystems.map((e) => `${e.ecosystem.padEnd(w)}  ${String(e.records).padStart(8)}  ${e.updatedAt ?? "-"}\n`),
        ],
        undefined,
      );
      if (s.stale) process.stderr.write(`bulwark: warning: the advisory database is more than 24 h old: run "bulwark db update"\n`);
    });

  registerPolicy(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); }, verifier: (registry) => cosignPolicyVerifier(registry) });
  registerRegistryAudit(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerHost(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerCosignCommands(program, (code) => new Exit(code));
  registerVerifyBlob(program, { exit: (code) => { throw new Exit(code); }, setDebug: (d) => { debug = d; } });
  registerRegistryScan(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerDrift(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerK8s(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerRuntime(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerK8sRbac(program, { setDebug: (on) => void (debug = on), exit: (code) => { throw new Exit(code); } });
  registerAdmission(program, { setDebug: (on) => void (debug = on) });
  registerServer(program, { setDebug: (on) => void (debug = on) });

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`bulwark: ${e.message}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`bulwark: unexpected error: ${err?.message ?? String(e)}${debug ? "" : " (run with --debug for details)"}\n`);
    if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}

/** Packages the vulnerability scan could not check: how many, in which ecosystems, and why. */
function incompleteness(report: Report, cause?: "advisories-missing"): { count: number; ecosystems: string; reasons: string } | undefined {
  const list = (report.unchecked ?? []).filter((u) => cause === undefined || u.cause === cause).sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0));
  const count = list.reduce((n, u) => n + u.packages, 0);
  if (count === 0) return undefined;
  // Reasons quote the target's package names and download errors: no control characters.
  const clean = (text: string) => text.replace(/\p{Cc}/gu, "?");
  return { count, ecosystems: clean(list.map((u) => u.ecosystem).join(", ")), reasons: clean(list.map((u) => u.reason).join("; ")) };
}




