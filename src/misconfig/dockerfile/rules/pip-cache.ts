import type { Rule, RuleHit } from "../../types.js";
import type { DfInstruction, DockerfileDoc, RunCommand } from "../doc.js";
import { stageChain } from "../doc.js";
import { program } from "../shell.js";
import { at, cacheMounted, subcommand } from "./util.js";

const VAR = "PIP_NO_CACHE_DIR";

/**
 * Values that turn pip's cache off, as Hadolint reads them. pip itself turns the cache off for any
 * value it can parse, even "0" or "false" (a backward-compatibility quirk of its --no-cache-dir
 * callback); Hadolint, and so Bulwark, report those falsy values, which read as "cache on".
 */
export const PIP_TRUTHY = new Set(["1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"]);

/** Variables set by an ENV or ARG instruction, with their values (null: an ARG without default). */
function assignments(instr: DfInstruction): [string, string | null][] {
  const node = instr.node as unknown as {
    getProperties?: () => { getName(): string; getValue(): string | null }[];
  };
  if ((instr.keyword !== "ENV" && instr.keyword !== "ARG") || typeof node.getProperties !== "function") return [];
  return node.getProperties().map((p) => [p.getName(), p.getValue()]);
}

/** The value of an ARG declared before the first FROM (a default that `ARG NAME` in a stage picks up). */
function globalArg(doc: DockerfileDoc, name: string): string | null {
  let value: string | null = null;
  for (const i of doc.instructions) {
    if (i.stage >= 0) break;
    for (const [n, v] of assignments(i)) if (n === name && v !== null) value = v;
  }
  return value;
}

/**
 * PIP_NO_CACHE_DIR as the RUN sees it: the last ENV or ARG of its stage before it, else the last ENV
 * of the stages it is built FROM (ARG does not cross FROM). undefined when never set. An ONBUILD
 * trigger runs in a later build and sees every ENV of the image.
 */
function pipNoCacheDir(doc: DockerfileDoc, run: RunCommand): string | null | undefined {
  const own = doc.stages[run.instr.stage];
  const before = (i: DfInstruction): boolean => run.onbuild || i.line < run.instr.line;
  const scan = (list: DfInstruction[], withArgs: boolean): string | null | undefined => {
    for (let k = list.length - 1; k >= 0; k--) {
      const i = list[k]!;
      if (!withArgs && i.keyword === "ARG") continue;
      const hit = assignments(i).findLast(([n]) => n === VAR);
      if (hit) return hit[1] ?? (i.keyword === "ARG" ? globalArg(doc, VAR) : null);
    }
    return undefined;
  };
  if (!own) return scan(doc.instructions.filter((i) => i.stage < 0 && before(i)), true);
  let first = true;
  for (const s of stageChain(doc, own)) {
    const v = scan(first ? s.instructions.filter(before) : s.instructions, first);
    if (v !== undefined) return v;
    first = false;
  }
  return undefined;
}

/** `PIP_NO_CACHE_DIR=<truthy>` assigned anywhere in the RUN (`VAR=1 pip ...`, `export VAR=1 && ...`). */
function setInline(run: RunCommand): boolean {
  return run.commands.some((c) => c.words.some((w) => w.startsWith(`${VAR}=`) && PIP_TRUTHY.has(w.slice(VAR.length + 1))));
}

/** `pip install`, `pip3 install`, `python3 -m pip install`; not pipx or pipenv. */
function pipInstall(name: string, args: string[]): { args: string[] } | null {
  let rest = args;
  if (/^python[\d.]*$/.test(name) && args[0] === "-m" && /^pip[\d.]*$/.test(args[1] ?? "")) rest = args.slice(2);
  else if (!/^pip[\d.]*$/.test(name)) return null;
  return subcommand(rest) === "install" ? { args: rest } : null;
}

export const pipCache: Rule<DockerfileDoc> = {
  id: "BW-DS-018",
  title: "pip install without --no-cache-dir",
  severity: "LOW",
  remediation:
    "Use `pip install --no-cache-dir ...`, set `ENV PIP_NO_CACHE_DIR=1` (or `ARG PIP_NO_CACHE_DIR=1`, or `PIP_NO_CACHE_DIR=1 pip install ...`), or mount the cache with `RUN --mount=type=cache,target=/root/.cache/pip`.",
  references: { hadolint: "DL3042" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const run of doc.runs) {
      if (cacheMounted(run, ".cache/pip") || setInline(run)) continue;
      const forgot = run.commands.some((cmd) => {
        const p = program(cmd);
        const pip = pipInstall(p.name, p.args);
        return pip !== null && !pip.args.includes("--no-cache-dir");
      });
      if (!forgot) continue;
      const env = pipNoCacheDir(doc, run);
      if (env !== undefined && env !== null && PIP_TRUTHY.has(env)) continue;
      const why = env === undefined || env === null ? "" : ` (${VAR}=${env} does not read as "off")`;
      hits.push(at(run.instr, `pip install keeps its download cache in the layer${why}`));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt",
      "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask",
      "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=true\nFROM base\nRUN pip install flask",
      "FROM python:3.12\nARG PIP_NO_CACHE_DIR=yes\nRUN PIP_NO_CACHE_DIR=on pip install flask && pip install six",
      "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask",
    ],
    bad: [
      "FROM python:3.12\nRUN pip install -r requirements.txt",
      "FROM python:3.12\nRUN python3 -m pip install --upgrade pip",
      "FROM python:3.12\nENV PIP_NO_CACHE_DIR=false\nRUN pip install flask",
      "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM python:3.12\nRUN pip install flask",
      "FROM python:3.12\nRUN pip install flask\nENV PIP_NO_CACHE_DIR=1",
    ],
  },
};
