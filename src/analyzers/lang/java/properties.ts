// Java .properties as written by Maven into pom.properties: `key=value`, `key:value` or
// `key value`, `#`/`!` comments, backslash line continuations and escapes.

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    // An odd number of trailing backslashes continues the logical line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, "");
    const sep = separatorAt(line);
    const key = unescape(sep === -1 ? line : line.slice(0, sep)).trim();
    const value = sep === -1 ? "" : unescape(line.slice(sep + 1).replace(/^[ \t\f]*[=:]?/, "")).trim();
    if (key && !out.has(key)) out.set(key, value);
  }
  return out;
}

/** Index of the first unescaped `=`, `:` or whitespace, or -1. */
function separatorAt(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\") i++;
    else if (c === "=" || c === ":" || c === " " || c === "\t") return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === "t" ? "\t" : e === "n" ? "\n" : e === "r" ? "\r" : e;
  });
}
