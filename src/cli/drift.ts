// `bulwark drift CONTAINER`: a running container's filesystem against its image (docs/drift.md).
import { parseExitCode, registryAccess, registryAccessOptions, type RegistryAccessFlags } from "./common.js";
import { type Command, Option } from "commander";
import { loadDrift, parsePlatform, UserError, type DriftOptions } from "../index.js";
import { writeOutput } from "./output.js";

interface DriftFlags extends RegistryAccessFlags {
  image?: string;
  format: string;
  output?: string;
  exitCode?: string;
  hashAll?: boolean;
  hashBudget?: string;
  maxChanges?: string;
  runcRoot?: string;
  platform?: string;
  debug?: boolean;
}

export interface DriftHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

function positive(name: string, s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UserError("USAGE", `${name} must be a positive integer, got "${s}"`);
  return n;
}

export function registerDrift(program: Command, hooks: DriftHooks): void {
  registryAccessOptions(
    program
      .command("drift")
      .description("compare a running container's filesystem with the image it was started from: files added, modified, deleted; new executables; packages installed")
      .argument("<container>", "runc or containerd container id, podman id or name, or pid:N"),
  )
    .option("--image <target>", "the image the container was started from: oci:DIR[:TAG], docker-archive:FILE, oci-archive:FILE, a registry reference or rootfs:DIR (required for plain runc and pid:N)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--exit-code <n>", "exit with this code when any drift is found (0 otherwise)")
    .option("--hash-all", "hash every file of the same size, not only those whose mtime changed")
    .option("--hash-budget <bytes>", "most content bytes hashed on each side (default 4 GiB)")
    .option("--max-changes <n>", "most changes listed (the summary counts all; default 10000)")
    .option("--runc-root <dir>", "runc state root to look in (default /run/runc)")
    .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image")
    .option("--debug", "show stack traces on errors")
    .action(async (container: string, flags: DriftFlags) => {
      hooks.setDebug(!!flags.debug);
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      const opts: DriftOptions = { ...(await registryAccess(flags)) };
      if (flags.image) opts.image = flags.image;
      if (flags.hashAll) opts.hashAll = true;
      if (flags.hashBudget) opts.hashBudget = positive("--hash-budget", flags.hashBudget);
      if (flags.maxChanges) opts.maxChanges = positive("--max-changes", flags.maxChanges);
      if (flags.runcRoot) opts.runcRoots = [flags.runcRoot];
      if (flags.platform) opts.platform = parsePlatform(flags.platform);
      const { driftFor, driftTable } = await loadDrift();
      const report = await driftFor(container, opts);
      await writeOutput(flags.format === "json" ? JSON.stringify(report, null, 2) + "\n" : driftTable(report), flags.output);
      if (exitCode !== 0 && (report.summary.drift || report.packages.length > 0)) hooks.exit(exitCode);
    });
}
