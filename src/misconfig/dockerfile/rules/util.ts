// Helpers shared by the Dockerfile rules.
import type { RuleHit } from "../../types.js";
import type { DfInstruction, DockerfileDoc, RunCommand } from "../doc.js";
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

/** The sub-command of a package manager call: the first word that is not an option. */
export function subcommand(args: string[]): string {
  return args.find((a) => !a.startsWith("-")) ?? "";
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

/** Short-option clusters like -qy: true when `letter` is among them. */
export function hasFlagLike(args: string[], letter: string): boolean {
  return args.some((a) => /^-[A-Za-z]+$/.test(a) && a.includes(letter));
}
