// The parsed Dockerfile as the rules see it: instructions with 1-based lines, build stages, and the
// shell text of every RUN with continuations, comments and heredocs resolved.
import { DockerfileParser } from "dockerfile-ast";
import type { Instruction } from "dockerfile-ast";
import { parseImage } from "../kubernetes/image.js";
import { splitShell } from "./shell.js";
import type { ShellCommand } from "./shell.js";

export interface DfInstruction {
  /** Upper-case keyword: FROM, RUN, … */
  keyword: string;
  /** Arguments as written, continuations joined, flags (--from=…) left in. */
  args: string;
  /** Arguments split on whitespace (continuations and quotes handled by the parser). */
  words: string[];
  /** Flags such as --from, --chown, --platform, by name without the dashes. */
  flags: Map<string, string | null>;
  line: number;
  endLine: number;
  /** Index of the build stage; -1 for ARGs before the first FROM. */
  stage: number;
  node: Instruction;
}

export interface Stage {
  index: number;
  from: DfInstruction;
  /** Image reference as written (name, tag, digest), or null when missing. */
  image: string | null;
  imageName: string | null;
  tag: string | null;
  digest: string | null;
  /** The `AS name` alias, lower-cased as Docker treats it. */
  alias: string | null;
  instructions: DfInstruction[];
}

export interface RunMount {
  /** `type=` of a `--mount` flag: bind (Docker's default), cache, tmpfs, secret, ssh. */
  type: string;
  /** `target=` (or `dst=`, `destination=`); "" when missing. */
  target: string;
}

export interface RunCommand {
  /** The RUN instruction, or the ONBUILD instruction whose trigger is this RUN. */
  instr: DfInstruction;
  /** Shell text the RUN executes. */
  text: string;
  execForm: boolean;
  commands: ShellCommand[];
  /** `--mount` flags of the RUN. */
  mounts: RunMount[];
  /** True for `ONBUILD RUN ...`: the command runs in builds that use this image as their base. */
  onbuild: boolean;
}

export interface DockerfileDoc {
  path: string;
  lines: string[];
  instructions: DfInstruction[];
  stages: Stage[];
  finalStage: Stage | null;
  runs: RunCommand[];
  /** Whether a .dockerignore sits beside the file; undefined when the caller does not know. */
  hasDockerignore?: boolean;
}

export interface ParseOptions {
  hasDockerignore?: boolean;
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/bin/zsh", "/usr/bin/env"]);

export function parseDockerfile(text: string, path: string, opts: ParseOptions = {}): DockerfileDoc {
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter();
  const instructions: DfInstruction[] = [];
  const stages: Stage[] = [];
  const runs: RunCommand[] = [];

  for (const node of ast.getInstructions()) {
    const range = node.getRange();
    const keyword = node.getKeyword().toUpperCase();
    const raw = node.getRawArgumentsContent() ?? "";
    const instr: DfInstruction = {
      keyword,
      args: joinContinuations(raw, escape),
      words: node.getArguments().map((a) => a.getValue()),
      flags: readFlags(node),
      line: range.start.line + 1,
      endLine: range.end.line + 1,
      stage: keyword === "FROM" ? stages.length : stages.length - 1,
      node,
    };
    instructions.push(instr);
    if (keyword === "FROM") stages.push(makeStage(instr, stages.length));
    else stages[stages.length - 1]?.instructions.push(instr);
    // ONBUILD RUN: the trigger is judged like a RUN (it runs in every build FROM this image).
    const onbuild = keyword === "ONBUILD" && /^\s*RUN(?:\s|$)/i.test(raw);
    if (keyword === "RUN" || onbuild) {
      const body = onbuild ? raw.replace(/^\s*RUN/i, "") : raw;
      const { text: shell, execForm, flags } = runParts(body, escape);
      // A RUN's own flags are parsed by dockerfile-ast (and kept out of its arguments); an ONBUILD
      // trigger's flags are still part of its text.
      const all = onbuild ? flags : flagList(node).map((f) => `--${f.name}=${f.value ?? ""}`);
      runs.push({ instr, text: shell, execForm, commands: splitShell(shell), mounts: all.flatMap((f) => parseMount(f)), onbuild });
    }
  }

  const doc: DockerfileDoc = {
    path,
    lines: text.split(/\r?\n/),
    instructions,
    stages,
    finalStage: stages[stages.length - 1] ?? null,
    runs,
  };
  if (opts.hasDockerignore !== undefined) doc.hasDockerignore = opts.hasDockerignore;
  return doc;
}

/** Every flag of an instruction in order, repeated ones (several `--mount`) included. */
function flagList(node: Instruction): { name: string; value: string | null }[] {
  const withFlags = node as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  if (typeof withFlags.getFlags !== "function") return [];
  return withFlags.getFlags().map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() }));
}

function readFlags(node: Instruction): Map<string, string | null> {
  const flags = new Map<string, string | null>();
  for (const f of flagList(node)) flags.set(f.name, f.value);
  return flags;
}

function makeStage(from: DfInstruction, index: number): Stage {
  // Parse FROM ourselves: [--platform=…] image [AS name]
  const words = from.words.filter((w) => !w.startsWith("--"));
  const image = words[0] ?? null;
  const alias = words.length >= 3 && words[1]!.toLowerCase() === "as" ? words[2]!.toLowerCase() : null;
  const ref = image ? parseImage(image) : null;
  return { index, from, image, imageName: ref?.name ?? null, tag: ref?.tag ?? null, digest: ref?.digest ?? null, alias, instructions: [] };
}

/** Join backslash-newline continuations and drop comment lines inside them, as the builder does. */
export function joinContinuations(raw: string, escape = "\\"): string {
  const lines = raw.split(/\r?\n/);
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (i > 0 && /^\s*#/.test(line)) continue;
    const trimmed = line.replace(/\s+$/, "");
    if (trimmed.endsWith(escape)) line = trimmed.slice(0, -escape.length);
    parts.push(line);
  }
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** The shell text of a RUN: exec form unwrapped, heredoc bodies inlined, continuations joined. */
export function runText(raw: string, escape = "\\"): { text: string; execForm: boolean } {
  const { text, execForm } = runParts(raw, escape);
  return { text, execForm };
}

/** `runText` plus the RUN's flags (`--mount=...`, `--network=none`), which may sit on continuation lines. */
function runParts(raw: string, escape: string): { text: string; execForm: boolean; flags: string[] } {
  const flags: string[] = [];
  const esc = escape.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  const gap = new RegExp(`^(?:\\s|${esc}\\r?\\n)*`);
  let body = raw.replace(gap, "");
  for (let m = /^--\S+/.exec(body); m; m = /^--\S+/.exec(body)) {
    flags.push(m[0]);
    body = body.slice(m[0].length).replace(gap, "");
  }
  return { ...shellOf(body, escape), flags };
}

/** `--mount=type=cache,target=/root/.cache/pip` as { type, target }; other flags give nothing. */
export function parseMount(flag: string): RunMount[] {
  const m = /^--mount=(.*)$/i.exec(flag);
  if (!m) return [];
  const mount: RunMount = { type: "bind", target: "" };
  for (const part of m[1]!.split(",")) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : part.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
    if (key === "type") mount.type = value.toLowerCase();
    else if (key === "target" || key === "dst" || key === "destination") mount.target = value;
  }
  return [mount];
}

function shellOf(body: string, escape: string): { text: string; execForm: boolean } {
  if (body.startsWith("[")) {
    const argv = parseJsonArray(joinContinuations(body, escape));
    if (argv) {
      if (argv.length >= 3 && SHELLS.has(argv[0]!) && argv[1] === "-c") return { text: argv.slice(2).join(" "), execForm: true };
      return { text: argv.join(" "), execForm: true };
    }
  }

  const nl = body.indexOf("\n");
  const first = nl < 0 ? body : body.slice(0, nl);
  const names = [...first.matchAll(HEREDOC)].map((m) => ({ name: m[3]!, strip: m[1] === "-" }));
  if (names.length === 0) return { text: joinContinuations(body, escape), execForm: false };

  // Heredoc: the first line's command (often empty) followed by each document's body in order.
  const out: string[] = [first.replace(HEREDOC, " ").trim()];
  const rest = nl < 0 ? [] : body.slice(nl + 1).split(/\r?\n/);
  let k = 0;
  for (const { name, strip } of names) {
    const doc: string[] = [];
    for (; k < rest.length; k++) {
      const line = rest[k]!;
      if ((strip ? line.replace(/^\t+/, "") : line) === name) {
        k++;
        break;
      }
      doc.push(line);
    }
    out.push(doc.join("\n"));
  }
  return { text: out.filter((s) => s !== "").join("\n"), execForm: false };
}

export function parseJsonArray(s: string): string[] | null {
  try {
    const v: unknown = JSON.parse(s);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  } catch {
    // Not JSON: Docker falls back to shell form.
  }
  return null;
}

/** Stage index lookups by alias, for COPY --from and FROM <stage>. */
export function stageByName(doc: DockerfileDoc, name: string, before = Infinity): Stage | undefined {
  const lower = name.toLowerCase();
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    return n < before ? doc.stages[n] : undefined;
  }
  return doc.stages.find((s) => s.index < before && s.alias === lower);
}

/**
 * `stage`, then the earlier stage it is built `FROM`, and so on (at most 64 steps up), so a rule
 * can look for what a stage inherits (USER, HEALTHCHECK).
 */
export function* stageChain(doc: DockerfileDoc, stage: Stage): Generator<Stage> {
  let s: Stage | undefined = stage;
  for (let depth = 0; s; depth++) {
    yield s;
    s = s.image && depth < 64 ? stageByName(doc, s.image, s.index) : undefined;
  }
}
