// Helpers shared by the Dockerfile rules.
import type { RuleHit } from "../../types.js";
import type { DfInstruction, DockerfileDoc, RunCommand } from "../doc.js";
import { stageChain } from "../doc.js";
import { program } from "../shell.js";

export function at(instr: DfInstruction, message: string): RuleHit {
  return { message, line: instr.line, endLine: instr.endLine };
}

export interface ProgramCall {
  run: RunCommand;
  name: string;
  args: string[];
  /** Position of the command among the RUN's commands. */
  index: number;
}

/** Every simple command of every RUN whose program is one of `names`. */
export function calls(doc: DockerfileDoc, ...names: string[]): ProgramCall[] {
  const out: ProgramCall[] = [];
  for (const run of doc.runs) {
    run.commands.forEach((cmd, index) => {
      const p = program(cmd);
      if (names.includes(p.name)) out.push({ run, name: p.name, args: p.args, index });
    });
  }
  return out;
}

/** The sub-command of a package manager call: the first word that is neither an option nor its value (`apt-get -o X=1 install`). */
export function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (OPTIONS_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith("-")) return a;
  }
  return "";
}

/** Package arguments after the sub-command, options and their values left out where obvious. */
export function packageArgs(args: string[], sub: string): string[] {
  const out: string[] = [];
  const rest = args.slice(args.indexOf(sub) + 1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    // Options whose value is the next word: apt -o/-t, apk -t/--virtual/-X, yum/dnf --enablerepo etc. use "=".
    if (OPTIONS_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith("-") && !a.startsWith("$") && a !== "") out.push(a);
  }
  return out;
}

const OPTIONS_WITH_VALUE = new Set(["-o", "-t", "-c", "--virtual", "-X", "--repository", "--target-release", "--option"]);

/** Whether the same RUN also contains a command matching `test`. */
export function runHas(run: RunCommand, test: (name: string, args: string[]) => boolean): boolean {
  return run.commands.some((c) => {
    const p = program(c);
    return test(p.name, p.args);
  });
}

/** Shells a downloaded script may be piped into. */
export const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "fish"]);

/** chmod modes that make files writable by every user. */
export const WORLD_WRITABLE = /^(?:0?777|(?:a|ugo|o|go|uo)\+rwx|(?:a|o)\+w)$/;

/** A string shortened for messages. */
export function short(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 3) + "..." : s;
}

export function stageLabel(doc: DockerfileDoc, stage: number): string {
  const s = doc.stages[stage];
  if (!s) return "the file";
  return s.alias ? `stage "${s.alias}"` : `stage ${stage} (${s.image ?? "no image"})`;
}

/**
 * Whether the RUN has a BuildKit cache or tmpfs mount whose target contains `fragment` (as Hadolint's
 * `hasCacheOrTmpfsMountWith`): what such a mount holds never lands in the layer.
 */
export function cacheMounted(run: RunCommand, fragment: string, types: readonly string[] = ["cache", "tmpfs"]): boolean {
  return run.mounts.some((m) => types.includes(m.type) && m.target.includes(fragment));
}

/**
 * Stage indexes whose filesystem ships in the final image: the last stage and the stages it is built
 * `FROM`, step by step. Stages only copied from (builders) are not among them.
 */
export function shippedStages(doc: DockerfileDoc): Set<number> {
  const out = new Set<number>();
  if (doc.finalStage) for (const s of stageChain(doc, doc.finalStage)) out.add(s.index);
  return out;
}

/**
 * Whether what a RUN leaves in its layer ends up in the image that is built: RUNs of shipped stages,
 * RUNs before any FROM (a fragment), and ONBUILD triggers (they run in whatever image builds on this one).
 */
export function runShips(doc: DockerfileDoc, run: RunCommand, shipped = shippedStages(doc)): boolean {
  return run.onbuild || run.instr.stage < 0 || shipped.has(run.instr.stage);
}

/** Position of the first command of a RUN matching `test`, or -1. */
export function commandIndex(run: RunCommand, test: (name: string, args: string[]) => boolean, from = 0): number {
  for (let i = from; i < run.commands.length; i++) {
    const p = program(run.commands[i]!);
    if (test(p.name, p.args)) return i;
  }
  return -1;
}
