// go.mod and go.sum readers: just the directives that decide which module versions a build
// uses (require, replace); exclude, retract, tool, godebug and the rest are ignored.

export interface Require {
  path: string;
  version: string;
  indirect: boolean;
}

export interface Replace {
  oldPath: string;
  /** Empty when the replacement applies to every version. */
  oldVersion: string;
  newPath: string;
  /** Empty for a local directory replacement. */
  newVersion: string;
}

export interface GoMod {
  module?: string;
  go?: string;
  requires: Require[];
  replaces: Replace[];
  errors: string[];
}

const MAX_LINES = 200_000;

/** Splits a line into tokens (Go quoted strings unquoted) and tells whether `// indirect` ends it. */
function tokenize(line: string): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (line.startsWith("//", i)) {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (c === '"' || c === "`") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += c === '"' && line[j] === "\\" ? 2 : 1;
      const raw = line.slice(i, j + 1);
      let text = raw.slice(1, -1);
      if (c === '"') {
        try {
          text = JSON.parse(raw) as string;
        } catch {
          /* keep the raw inner text */
        }
      }
      tokens.push(text);
      i = j + 1;
    } else if (line.startsWith("=>", i) || c === "(" || c === ")") {
      const t = c === "=" ? "=>" : c;
      tokens.push(t);
      i += t.length;
    } else {
      let j = i;
      while (j < line.length && !" \t\r\"`()".includes(line[j]!) && !line.startsWith("//", j) && !line.startsWith("=>", j)) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: "" };
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { requires: [], replaces: [], errors: [] };
  let block: string | undefined;
  const lines = text.split("\n");
  if (lines.length > MAX_LINES) mod.errors.push(`more than ${MAX_LINES} lines, rest ignored`);
  lines.slice(0, MAX_LINES).forEach((line, n) => {
    const { tokens: all, comment } = tokenize(line);
    let tokens = all;
    if (tokens.length === 0) return;
    if (block !== undefined) {
      if (tokens[0] === ")") {
        block = undefined;
        return;
      }
      directive(mod, block, tokens, comment, n + 1);
      return;
    }
    const verb = tokens[0]!;
    tokens = tokens.slice(1);
    if (tokens[0] === "(" && tokens[1] === ")") return;
    if (tokens[0] === "(" && tokens.length === 1) {
      block = verb;
      return;
    }
    directive(mod, verb, tokens, comment, n + 1);
  });
  return mod;
}

const VERBS = new Set(["module", "go", "toolchain", "require", "replace", "exclude", "retract", "tool", "godebug", "ignore"]);

function directive(mod: GoMod, verb: string, args: string[], comment: string, line: number): void {
  const bad = (): void => void mod.errors.push(`line ${line}: malformed ${verb}`);
  switch (verb) {
    case "module":
      mod.module = args[0];
      return;
    case "go":
      mod.go = args[0];
      return;
    case "require":
      if (args.length !== 2) return bad();
      mod.requires.push({ path: args[0]!, version: args[1]!, indirect: /(^|;)\s*indirect\s*(;|$)/.test(comment) });
      return;
    case "replace": {
      const arrow = args.indexOf("=>");
      const left = args.slice(0, arrow);
      const right = args.slice(arrow + 1);
      if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) return bad();
      mod.replaces.push({ oldPath: left[0]!, oldVersion: left[1] ?? "", newPath: right[0]!, newVersion: right[1] ?? "" });
      return;
    }
    default:
      if (!VERBS.has(verb) && mod.errors.length < 20) mod.errors.push(`line ${line}: unknown directive ${JSON.stringify(verb.slice(0, 40))}`);
  }
}

/** The replacement that applies to one required module version: an exact one wins over a path-wide one. */
export function replacementFor(req: Require, replaces: Replace[]): Replace | undefined {
  let wide: Replace | undefined;
  for (const r of replaces) {
    if (r.oldPath !== req.path) continue;
    if (r.oldVersion === req.version) return r;
    if (!r.oldVersion) wide = r;
  }
  return wide;
}

export function isLocalPath(p: string): boolean {
  return p.startsWith("./") || p.startsWith("../") || p === "." || p === ".." || p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p);
}

/**
 * go.sum: `<module> <version>[/go.mod] <hash>`. Only lines for module content (not the
 * `/go.mod`-only ones, which the build never compiled) count; when a module appears in
 * several versions the highest is kept, as the build list holds one version per module.
 */
export function parseGoSum(text: string): { modules: { path: string; version: string }[]; errors: string[] } {
  const best = new Map<string, string>();
  let bad = 0;
  let lines = 0;
  for (const line of text.split("\n").slice(0, MAX_LINES)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 1 && f[0] === "") continue;
    lines++;
    if (f.length !== 3 || !f[1]!.startsWith("v")) {
      bad++;
      continue;
    }
    const [path, version] = f as [string, string];
    if (version.endsWith("/go.mod")) continue;
    const prev = best.get(path);
    if (prev === undefined || compareSemver(version, prev) > 0) best.set(path, version);
  }
  const errors = bad ? [`${bad} of ${lines} lines are not go.sum entries`] : [];
  return { modules: [...best].map(([path, version]) => ({ path, version })), errors };
}

/** SemVer precedence, enough for go.sum's `v1.2.3[-pre][+build]` versions. */
export function compareSemver(a: string, b: string): number {
  const parse = (v: string): { nums: number[]; pre: string[] } => {
    const core = v.replace(/^v/, "").split("+")[0]!;
    const dash = core.indexOf("-");
    const main = dash === -1 ? core : core.slice(0, dash);
    return { nums: main.split(".").map((x) => Number(x) || 0), pre: dash === -1 ? [] : core.slice(dash + 1).split(".") };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if ((x.nums[i] ?? 0) !== (y.nums[i] ?? 0)) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (!x.pre.length || !y.pre.length) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}
