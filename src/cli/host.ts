// `bulwark host [--root DIR]`: CIS host/daemon and worker-node checks, and the container runtimes
// on the host with their known escapes.
import { advisoryOptions, advisorySettings, parseExitCode } from "./common.js";
import { type Command, Option } from "commander";
import { getWriter, loadHost, toolVersion, type HostOptions } from "../index.js";
import { writeOutput } from "./output.js";

interface HostFlags {
  root: string;
  format: string;
  output?: string;
  runtimes: boolean;
  vulns: boolean;
  db?: string;
  dbRepository?: string;
  offline?: boolean;
  skipDbUpdate?: boolean;
  exitCode?: string;
  quiet?: boolean;
  debug?: boolean;
}

/** What run.ts lends the command: its --debug switch and its exit (for --exit-code). */
export interface HostHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

export function registerHost(program: Command, hooks: HostHooks): void {
  advisoryOptions(
    program
      .command("host")
      .description("check a host (or a mounted root filesystem) against the CIS Docker and Kubernetes node benchmarks, and its container runtimes against advisories")
      .option("--root <dir>", "root filesystem to check; / (the default) is the live host, whose running daemons are read from /proc", "/")
      .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "sarif"]).default("table"))
      .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
      .option("--no-runtimes", "skip the container runtime inventory")
      .option("--no-vulns", "inventory the runtimes without matching advisories"),
  )
    .option("--exit-code <n>", "exit with this code when any finding is reported (0 otherwise)")
    .option("-q, --quiet", "no notes on stderr")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: HostFlags) => {
      hooks.setDebug(!!flags.debug);
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      const opts: HostOptions = { root: flags.root, runtimes: flags.runtimes, vulns: flags.vulns, vuln: advisorySettings(flags) };
      const { checkHost, hostAsReport, hostJson, hostTable } = await loadHost();
      const host = await checkHost(opts);
      const tableOnStdout = flags.format === "table" && !flags.output;
      if (!flags.quiet && !tableOnStdout) for (const n of host.notes) process.stderr.write(`bulwark: note: ${n.message.replace(/\p{Cc}/gu, "?")}\n`);
      const text = flags.format === "json" ? hostJson(host) : flags.format === "sarif" ? getWriter("sarif").write(hostAsReport(host, { name: "bulwark", version: toolVersion() })) : hostTable(host);
      await writeOutput(text, flags.output);
      if (exitCode !== 0 && host.findings.length > 0) hooks.exit(exitCode);
    });
}
