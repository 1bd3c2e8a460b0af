// `bulwark registry audit REGISTRY`: the registry's own posture as misconfiguration findings.
import { parseExitCode, registryAccess, type RegistryAccessFlags } from "./common.js";
import { type Command, Option } from "commander";
import { auditAsReport, auditJson, auditRegistry, auditTable, getWriter, toolVersion, UserError, type RegistryAuditOptions } from "../index.js";
import { writeOutput } from "./output.js";

interface AuditFlags extends RegistryAccessFlags {
  format: string;
  output?: string;
  caFile?: string;
  repo?: string;
  exitCode?: string;
  timeout: string;
  quiet?: boolean;
  debug?: boolean;
}

/** What run.ts lends the command: its --debug switch and its exit (for --exit-code). */
export interface RegistryAuditHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

/** Adds `registry audit` (and the `registry` command when no other file made it). */
export function registerRegistryAudit(program: Command, hooks: RegistryAuditHooks): void {
  const registry = program.commands.find((c) => c.name() === "registry") ?? program.command("registry").description("whole registries: scan their images, audit their configuration");
  registry
    .command("audit")
    .description("probe a live registry's own configuration (TLS, plain HTTP, anonymous access, deletes, banners) and report findings")
    .argument("<registry>", "HOST[:PORT], https://HOST[:PORT] or http://HOST[:PORT]")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "sarif"]).default("table"))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--username <user>", "registry user name (checks what authenticated users can do)")
    .option("--password-stdin", "read the registry password from standard input")
    .option("--docker-config <file>", "docker config.json with registry credentials (default ~/.docker/config.json)")
    .option("--ca-file <file>", "extra trusted CA certificates (PEM) for the certificate checks")
    .option("--insecure", "send credentials even when the certificate does not verify, or over plain HTTP")
    .option("--repo <name[:tag]>", "a repository for the pull and delete probes when the catalog is not readable")
    .option("--exit-code <n>", "exit with this code when any finding is reported (0 otherwise)")
    .option("--timeout <seconds>", "time limit of each probe", "10")
    .option("-q, --quiet", "no warnings on stderr")
    .option("--debug", "print each probe (method, URL, status) on stderr; stack traces on errors")
    .action(async (target: string, flags: AuditFlags) => {
      hooks.setDebug(!!flags.debug);
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      const timeout = Number(flags.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) throw new UserError("USAGE", `--timeout must be a number of seconds between 0 and 600, got "${flags.timeout}"`);
      if (flags.passwordStdin && flags.username === undefined) throw new UserError("USAGE", "--password-stdin needs --username");
      const opts: RegistryAuditOptions = { timeoutSeconds: timeout, ...(await registryAccess(flags)) };
      if (flags.caFile) opts.caFile = flags.caFile;
      if (flags.repo) opts.repo = flags.repo;
      if (flags.debug) opts.log = (line) => process.stderr.write(`bulwark: debug: ${line.replace(/\p{Cc}/gu, "?")}\n`);
      const audit = await auditRegistry(target, opts);
      const tableOnStdout = flags.format === "table" && !flags.output;
      if (!flags.quiet && !tableOnStdout) for (const n of audit.notes) process.stderr.write(`bulwark: warning: ${n.ruleId ? `${n.ruleId}: ` : ""}${n.message.replace(/\p{Cc}/gu, "?")}\n`);
      const text = flags.format === "json" ? auditJson(audit)
        : flags.format === "sarif" ? getWriter("sarif").write(auditAsReport(audit, { name: "bulwark", version: toolVersion() }))
        : auditTable(audit);
      await writeOutput(text, flags.output);
      if (exitCode !== 0 && audit.findings.length > 0) hooks.exit(exitCode);
    });
}


