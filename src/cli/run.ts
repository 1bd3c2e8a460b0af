// Command-line front end: thin over the library, so the server can reuse the same code.
import { Command, CommanderError, Option } from "commander";
import { getWriter, isUserError, reportFormats, scan, toolVersion, type ScanOptions } from "../index.js";
import { writeOutput } from "./output.js";
import { progressReporter } from "./progress.js";

interface CommonFlags {
  format: string;
  output?: string;
  platform?: string;
  cacheDir?: string;
  cache: boolean;
  insecure?: boolean;
  username?: string;
  passwordStdin?: boolean;
  dockerConfig?: string;
  quiet?: boolean;
  debug?: boolean;
  scanners?: string;
}

const SCANNERS = ["package"];

export async function run(argv: string[]): Promise<number> {
  let debug = argv.includes("--debug");
  const program = new Command("bulwark")
    .description("Container security scanner: image inventory, SBOMs and (soon) vulnerabilities")
    .version(toolVersion(), "-v, --version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");

  let result = 0;
  const addCommon = (cmd: Command, defaultFormat: string): Command =>
    cmd
      .argument("<target>", "image or path: docker-archive:PATH, oci:DIR[:TAG|@DIGEST], oci-archive:PATH, registry:REF or a bare ref, dir:PATH")
      .addOption(new Option("-f, --format <format>", "output format").choices(reportFormats()).default(defaultFormat))
      .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
      .option("--platform <os/arch[/variant]>", "platform to pick from a multi-platform image (default linux/amd64)")
      .option("--cache-dir <dir>", "layer cache directory (default: $XDG_CACHE_HOME/bulwark)")
      .option("--no-cache", "do not read or write the layer cache")
      .option("--insecure", "allow plain HTTP and unverified TLS for the registry")
      .option("--username <user>", "registry user name")
      .option("--password-stdin", "read the registry password from standard input")
      .option("--docker-config <file>", "docker config.json with registry credentials (default ~/.docker/config.json)")
      .option("-q, --quiet", "no progress output")
      .option("--debug", "show stack traces on errors");

  const action = async (target: string, flags: CommonFlags): Promise<void> => {
    debug = !!flags.debug;
    if (flags.scanners) {
      const bad = flags.scanners.split(",").filter((s) => s && !SCANNERS.includes(s.trim()));
      if (bad.length) throw new CommanderError(2, "bulwark.usage", `unknown scanner(s): ${bad.join(", ")} (available: ${SCANNERS.join(", ")})`);
    }
    const opts: ScanOptions = { noCache: !flags.cache };
    if (flags.platform) opts.platform = flags.platform;
    if (flags.cacheDir) opts.cacheDir = flags.cacheDir;
    if (flags.insecure) opts.insecure = true;
    if (flags.username) opts.username = flags.username;
    if (flags.passwordStdin) opts.password = await readStdin();
    if (flags.dockerConfig) opts.dockerConfigPath = flags.dockerConfig;
    const progress = progressReporter(!flags.quiet && process.stderr.isTTY === true);
    if (progress) opts.onProgress = progress;
    const writer = getWriter(flags.format);
    const report = await scan(target, opts);
    const color = flags.format === "table" && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
    writeOutput(writer.write(report, { color }), flags.output);
    result = 0;
  };

  addCommon(program.command("sbom").description("inventory an image or root filesystem and write an SBOM"), "cyclonedx-json").action(action);
  addCommon(program.command("scan").description("scan an image or root filesystem"), "table")
    .option("--scanners <list>", `comma-separated scanners to run (${SCANNERS.join(", ")})`, "package")
    .action(action);

  try {
    await program.parseAsync(argv, { from: "user" });
    return result;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      if (e.code === "bulwark.usage") process.stderr.write(`bulwark: ${e.message}\n`);
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}
