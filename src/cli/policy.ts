// `bulwark policy check IMAGE… --policy FILE`: the trusted-source policy from the command line.
import { advisoryOptions, advisorySettings, cacheOptions, cacheSettings, parseExitCode, registryAccess, registryAccessOptions, type RegistryAccess, type CacheFlags, type RegistryAccessFlags, type AdvisoryFlags } from "./common.js";
import { Option, type Command } from "commander";
import { checkPolicy, defaultDbPath, formatPolicyTable, loadPolicy, type PolicyCheckOptions, type ScanOptions, type SupplyChainVerifier } from "../index.js";
import { writeOutput } from "./output.js";
import { dbProgress, lockWaitNotice, progressReporter } from "./progress.js";

interface PolicyFlags extends RegistryAccessFlags, CacheFlags, AdvisoryFlags {
  policy: string;
  format: string;
  output?: string;
  exitCode?: string;
  platform?: string;
  ignorefile?: string;
  vex?: string[];
  quiet?: boolean;
  debug?: boolean;
}

export interface PolicyCliHooks {
  /** Turns stack traces on for errors (--debug). */
  setDebug(on: boolean): void;
  /** Leaves with this exit code after the output was written. */
  exit(code: number): never;
  /**
   * Signature verification for the requireSignature/requireAttestations rules, made with the
   * registry options of the command; without it those rules fail.
   */
  verifier?(registry: RegistryAccess): SupplyChainVerifier;
}

export function registerPolicy(program: Command, hooks: PolicyCliHooks): void {
  const policy = program.command("policy").description("trusted-source image policy (ImagePolicy, bulwark.dev/v1)");
  advisoryOptions(registryAccessOptions(cacheOptions(policy
    .command("check")
    .description("check images against a policy file: each rule's verdict with its evidence")
    .argument("<images...>", "images: registry references (host/repo:tag or @sha256:…), or archives and layouts as for scan")
    .requiredOption("--policy <file>", "policy file (YAML or JSON; see docs/policy.md and schemas/image-policy.v1.json)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-o, --output <file>", "write the result to a file (atomically) instead of stdout")
    .option("--exit-code <n>", "exit with this code when any image fails the policy (0 otherwise)")
    .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image (default linux/amd64)"))))
    .option("--ignorefile <file>", "vulnerability ignore rules (YAML); default ./.bulwarkignore when present")
    .option("--vex <file>", "OpenVEX or CycloneDX VEX document (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("-q, --quiet", "no progress output")
    .option("--debug", "show stack traces on errors")
    .action(async (images: string[], flags: PolicyFlags) => {
      hooks.setDebug(!!flags.debug);
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      const loaded = loadPolicy(flags.policy);
      const access = await registryAccess(flags);
      const scan: ScanOptions = { ...cacheSettings(flags), ...access };
      if (flags.platform) scan.platform = flags.platform;
      const tty = !flags.quiet && process.stderr.isTTY === true;
      const progress = progressReporter(tty);
      if (progress) scan.onProgress = progress;
      const vuln = advisorySettings(flags);
      if (flags.ignorefile) vuln.ignoreFile = flags.ignorefile;
      if (flags.vex) vuln.vex = flags.vex;
      if (tty) vuln.onDbProgress = dbProgress(true);
      if (!flags.quiet) vuln.onDbLockWait = lockWaitNotice(flags.db ?? defaultDbPath());
      scan.vuln = vuln;
      const opts: PolicyCheckOptions = { scan };
      if (hooks.verifier) opts.verifier = hooks.verifier(access);
      const result = await checkPolicy(images, loaded, opts);
      const color = flags.format === "table" && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
      await writeOutput(flags.format === "json" ? JSON.stringify(result, null, 2) + "\n" : formatPolicyTable(result, { color }), flags.output);
      // Images that could not be checked are errors (exit 2), said on stderr whatever the format.
      const errors = result.images.filter((i) => i.verdict === "error");
      for (const e of errors) process.stderr.write(`bulwark: ${e.image}: ${e.error}\n`);
      if (errors.length) hooks.exit(2);
      if (exitCode !== 0 && result.summary.failed > 0) hooks.exit(exitCode);
    });
}


