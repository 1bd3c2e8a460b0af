// Parsing of os-release(5) files: shell-style KEY=value lines.
import type { OSInfo } from "../../../model/index.js";

/**
 * Reads KEY=value assignments the way os-release(5) describes them: `#` comment lines, blank
 * lines, values in double quotes (backslash escapes `$ " \ \``), single quotes (no escapes) or
 * bare (backslash escapes any character). Lines that are not assignments are ignored rather than
 * rejected: vendors ship slightly off files and the rest of the file is still useful.
 */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === "" || line.startsWith("#")) continue;
    // Whitespace around "=" is not shell syntax, but lsb-release files in the wild use it.
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    out.set(m[1]!, unquote(m[2]!));
  }
  return out;
}

function unquote(value: string): string {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === "'") {
      const end = value.indexOf("'", i + 1);
      const stop = end === -1 ? value.length : end;
      out += value.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        const d = value[i]!;
        const next = value[i + 1];
        // Inside double quotes the shell only treats these characters as escapable.
        if (d === "\\" && next !== undefined && '$"\\`'.includes(next)) {
          out += next;
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      i++; // closing quote (or end of an unterminated value)
    } else if (c === "\\") {
      out += value[i + 1] ?? "";
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  // Unquoted trailing blanks are not part of the value.
  return out.replace(/[ \t]+$/, "");
}

/** Builds OSInfo from the fields of an os-release file; null when it names no distribution. */
export function osFromOsRelease(fields: Map<string, string>): OSInfo | null {
  const family = fields.get("ID")?.trim().toLowerCase();
  if (!family) return null;
  const likes = (fields.get("ID_LIKE") ?? "").toLowerCase().split(/\s+/);
  const debianLike = family === "debian" || family === "ubuntu" || likes.includes("debian") || likes.includes("ubuntu");

  const codename =
    nonEmpty(fields.get("VERSION_CODENAME")) ??
    nonEmpty(fields.get("UBUNTU_CODENAME")) ??
    (debianLike ? codenameFromVersion(fields.get("VERSION")) : undefined) ??
    (debianLike ? codenameFromSid(fields.get("PRETTY_NAME")) : undefined);

  // Debian testing and sid carry no VERSION_ID; the codename is the only release name they have.
  let version = nonEmpty(fields.get("VERSION_ID"));
  if (version === undefined && family === "debian" && codename) version = codename;

  const os: OSInfo = { family, version: version ?? "" };
  const name = nonEmpty(fields.get("NAME"));
  const prettyName = nonEmpty(fields.get("PRETTY_NAME"));
  if (name) os.name = name;
  if (codename) os.codename = codename;
  if (prettyName) os.prettyName = prettyName;
  return os;
}

/** `12 (bookworm)` → bookworm; `22.04.4 LTS (Jammy Jellyfish)` and `14.04.6 LTS, Trusty Tahr` → first word. */
function codenameFromVersion(version: string | undefined): string | undefined {
  if (!version) return undefined;
  const m = /\(([^)]+)\)/.exec(version) ?? /,\s*(.+)$/.exec(version);
  const word = m?.[1]?.trim().split(/\s+/)[0];
  return word ? word.toLowerCase() : undefined;
}

/** `Debian GNU/Linux trixie/sid` → trixie. */
function codenameFromSid(prettyName: string | undefined): string | undefined {
  const m = prettyName ? /\b([a-z]+)\/sid\b/.exec(prettyName) : null;
  return m?.[1];
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}
