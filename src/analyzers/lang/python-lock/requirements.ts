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
    } else pending.push(line.replace(/^\\+|\\+$/g, ""));
  }
  if (pending.length) out.push(pending.join(""));
  return out;
}

export function parseRequirements(text: string): Requirements {
  const pins: Pin[] = [];
  const includes: string[] = [];
  for (const raw of logicalLines(text)) {
    const line = raw.replace(/(^|\s+)#.*$/, "").trim();
    if (!line) continue;
    if (line.startsWith("-")) {
      const inc = /^(?:-r|-c|--requirements?|--constraints?)(?:\s*=\s*|\s+|(?<=^-[rc]))(\S+)/.exec(line);
      if (inc) includes.push(inc[1]!);
      continue; // -e editable installs, index options and the like: nothing pinned
    }
    // Environment markers and per-requirement options (--hash, --global-option) follow.
    const spec = line.split(";")[0]!.split(/\s+--?[A-Za-z]/)[0]!.trim();
    const m = PIN.exec(spec);
    if (m) pins.push({ name: m[1]!, version: m[2]! });
  }
  return { pins, includes };
}
