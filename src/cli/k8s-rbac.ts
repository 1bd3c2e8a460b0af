// `bulwark k8s who-can`, `k8s can-i`, `k8s escalation`: RBAC answers computed offline from
// manifests, a JSON snapshot, or the objects read from a live cluster.
import { type Command, Option } from "commander";
import { parseExitCode } from "./common.js";
import { loadK8s, UserError } from "../index.js";
import { writeOutput } from "./output.js";

export interface K8sRbacHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

interface SourceFlags {
  from?: string[];
  kubeconfig?: string;
  context?: string;
  format: string;
  output?: string;
  debug?: boolean;
}

/** The `k8s` command group: found when another file made it, else made here (either order works). */
export function k8sCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === "k8s") ?? program.command("k8s").description("Kubernetes: live clusters, RBAC analysis and policies");
}

const sourceOptions = (cmd: Command): Command =>
  cmd
    .option("--from <path>", "manifests (YAML/JSON files or directories) or a JSON snapshot instead of a live cluster (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--kubeconfig <file>", "kubeconfig of the live cluster (default $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "kubeconfig context")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-o, --output <file>", "write the result to a file (atomically) instead of stdout")
    .option("-q, --quiet", "no warnings on stderr")
    .option("--debug", "show stack traces on errors");

async function objectsFor(flags: SourceFlags & { quiet?: boolean }) {
  const { loadK8sObjects } = await loadK8s();
  let loaded;
  if (flags.from && flags.from.length > 0) {
    if (flags.kubeconfig || flags.context) throw new UserError("USAGE", "--from reads files: it does not go with --kubeconfig or --context");
    loaded = await loadK8sObjects({ paths: flags.from });
  } else loaded = await loadK8sObjects({ kubeconfig: flags.kubeconfig, context: flags.context });
  // A type we could not read makes every answer a lower bound: say so.
  if (!flags.quiet) for (const w of loaded.warnings) process.stderr.write(`bulwark: warning: ${w.replace(/\p{Cc}/gu, "?")} (answers may miss what it grants)\n`);
  return loaded.objects;
}

const json = (v: unknown): string => JSON.stringify(v, null, 2) + "\n";

export function registerK8sRbac(program: Command, hooks: K8sRbacHooks): void {
  const k8s = k8sCommand(program);
  sourceOptions(
    k8s
      .command("who-can")
      .description("list the subjects RBAC allows to VERB RESOURCE (kubectl syntax: TYPE[.GROUP][/NAME] or a /non-resource/url)")
      .argument("<verb>")
      .argument("<resource>")
      .option("-n, --namespace <ns>", "namespace of the request (default: every namespace, each binding in its own)")
      .option("--subresource <name>", "subresource, e.g. exec or log"),
  ).action(async (verb: string, resource: string, flags: SourceFlags & { namespace?: string; subresource?: string }) => {
    hooks.setDebug(!!flags.debug);
    const objects = await objectsFor(flags);
    const { whoCan, whoCanTable } = await loadK8s();
    const r = whoCan(objects, { verb, resource, namespace: flags.namespace, subresource: flags.subresource });
    await writeOutput(flags.format === "json" ? json(r) : whoCanTable(r), flags.output);
  });

  sourceOptions(
    k8s
      .command("can-i")
      .description("may --as SUBJECT VERB RESOURCE? prints yes or no (exit 0 or 1), as kubectl auth can-i --as")
      .argument("<verb>")
      .argument("<resource>")
      .requiredOption("--as <user>", "user to check, system:serviceaccount:NS:NAME for a service account")
      .option("--as-group <group>", "group of the user (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
      .option("-n, --namespace <ns>", "namespace of the request (default \"default\" for namespaced resources)")
      .option("--subresource <name>", "subresource, e.g. exec or log"),
  ).action(async (verb: string, resource: string, flags: SourceFlags & { as: string; asGroup?: string[]; namespace?: string; subresource?: string }) => {
    hooks.setDebug(!!flags.debug);
    const objects = await objectsFor(flags);
    const { canI, canITable } = await loadK8s();
    const r = canI(objects, flags.as, { verb, resource, namespace: flags.namespace, subresource: flags.subresource, asGroups: flags.asGroup });
    await writeOutput(flags.format === "json" ? json(r) : canITable(r), flags.output);
    if (!r.allowed) hooks.exit(1);
  });

  sourceOptions(
    k8s
      .command("escalation")
      .description("escalation paths from every non-system subject to cluster-admin power or other namespaces' secrets")
      .option("--max-hops <n>", "longest path searched", "6")
      .option("--exit-code <n>", "exit with this code when any path is found (0 otherwise)"),
  ).action(async (flags: SourceFlags & { maxHops: string; exitCode?: string }) => {
    hooks.setDebug(!!flags.debug);
    const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
    const maxDepth = Number(flags.maxHops);
    if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 20) throw new UserError("USAGE", `--max-hops must be an integer from 0 to 20, got "${flags.maxHops}"`);
    const objects = await objectsFor(flags);
    const { findEscalations, escalationTable } = await loadK8s();
    const r = findEscalations(objects, { maxDepth });
    await writeOutput(flags.format === "json" ? json(r) : escalationTable(r), flags.output);
    if (exitCode !== 0 && r.paths.length > 0) hooks.exit(exitCode);
  });
}
