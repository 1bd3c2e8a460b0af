// requirements.txt in pip's own file format: continuation lines are joined first, then
// comments dropped, then each line is either an option (-r, -e, --hash …) or a requirement.
// Only exact pins (`==`/`===` one version, no wildcard) say what gets installed.

export interface Pin {
  name: string;
  version: string;
}

export interface Requirements {
  pins: Pin[];
  /** Files named by -r / -c, as written. */
  includes: string[];
}

const MAX_LINES = 200_000;
const MAX_SPEC = 1024;
const PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/;

/** pip's join_lines: a line ending in backslash continues, unless it is a comment line. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending: string[] = [];
  const physical = text.split(/\r?\n/).slice(0, MAX_LINES);
  for (const line of physical) {
    const commentLine = /^\s*#/.test(line);
    if (!line.endsWith("\\") || commentLine) {
      if (pending.length) {
        out.push(pending.join("") + (commentLine ? " " + line : line));
        pending = [];
      } else out.push(line);
    } else pending.push(trimBackslashes(line));
  }
  if (pending.length) out.push(pending.join(""));
  return out;
}

function trimBackslashes(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === "\\") a++;
  while (b > a && s[b - 1] === "\\") b--;
  return s.slice(a, b);
}

/** Drop a comment: "#" at the start or after whitespace (pip's rule), without regex backtracking. */
function stripComment(line: string): string {
  for (let i = line.indexOf("#"); i !== -1; i = line.indexOf("#", i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1]!)) return line.slice(0, i);
  }
  return line;
}

export function parseRequirements(text: string): Requirements {
  const pins: Pin[] = [];
  const includes: string[] = [];
  for (const raw of logicalLines(text)) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    if (line.startsWith("-")) {
      const inc = /^(?:--(?:requirements?|constraints?)(?:=|\s+)|-[rc]\s*=?\s*)(\S+)/.exec(line);
      if (inc) includes.push(inc[1]!);
      continue; // -e editable installs, index options and the like: nothing pinned
    }
    // Environment markers and per-requirement options (--hash, --global-option) follow.
    let spec = line.split(";", 1)[0]!;
    const opt = spec.search(/\s--?[A-Za-z]/);
    if (opt !== -1) spec = spec.slice(0, opt);
    spec = spec.trim();
    // A real requirement is short; refusing long ones keeps the pattern below linear.
    const m = spec.length <= MAX_SPEC ? PIN.exec(spec) : null;
    if (m) pins.push({ name: m[1]!, version: m[2]! });
  }
  return { pins, includes };
}
