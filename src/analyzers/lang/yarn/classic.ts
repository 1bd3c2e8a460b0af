// yarn v1 lockfile: a custom indentation format.
//
//   "a@^1.0.0", a@^1.1.0:
//     version "1.2.3"
//     resolved "https://…"
//
// Only top-level keys and the `version` line under them matter here.
import { realName, splitDescriptor, type YarnEntry } from "./descriptor.js";

export function parseClassic(text: string, path: string): { entries: YarnEntry[]; errors: string[] } {
  const entries: YarnEntry[] = [];
  const errors: string[] = [];
  let current: string | null = null;
  let lineNo = 0;
  for (const raw of text.split("\n")) {
    lineNo++;
    const line = raw.replace(/\r$/, "");
    if (line === "" || line.trimStart().startsWith("#")) continue;
    if (!line.startsWith(" ")) {
      current = null;
      if (!line.endsWith(":")) {
        if (errors.length < 20) errors.push(`${path}:${lineNo}: unexpected line outside an entry`);
        continue;
      }
      const first = unquote(line.slice(0, -1).split(",")[0]!.trim());
      const d = splitDescriptor(first);
      if (!d) {
        if (errors.length < 20) errors.push(`${path}:${lineNo}: cannot read package name from ${JSON.stringify(first.slice(0, 100))}`);
        continue;
      }
      // `link:` points at a folder of the project itself, not an installed package.
      if (!d.rest.startsWith("link:")) current = realName(first);
      continue;
    }
    if (!current) continue;
    // Fields are indented by exactly two spaces; deeper lines belong to dependencies blocks.
    const m = /^ {2}"?version"?\s+"?([^"]*)"?\s*$/.exec(line);
    if (m && m[1]) {
      entries.push({ name: current, version: m[1] });
      current = null;
    }
  }
  return { entries, errors };
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
