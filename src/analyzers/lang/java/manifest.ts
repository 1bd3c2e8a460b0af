// META-INF/MANIFEST.MF: "Name: value" headers wrapped at 72 bytes, a continuation line starts
// with one space. Only the main section (up to the first blank line) describes the archive.

/** Main-section attributes, keys lowercased (manifest header names are case-insensitive). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (out.size > 0) break;
      continue;
    }
    if (line.startsWith(" ")) {
      if (key !== undefined) out.set(key, out.get(key)! + line.slice(1));
      continue;
    }
    const i = line.indexOf(":");
    if (i <= 0) {
      key = undefined;
      continue;
    }
    key = line.slice(0, i).trim().toLowerCase();
    // First one wins: a repeated header in the main section is malformed, keep the original.
    if (out.has(key)) key = undefined;
    else out.set(key, line.slice(i + 1).replace(/^ /, ""));
  }
  for (const [k, v] of out) out.set(k, v.trim());
  return out;
}

/**
 * Bundle-License: a comma list of SPDX ids or URLs, each optionally followed by
 * `;description=…;link=…` parameters (commas inside quotes do not split).
 */
export function bundleLicenses(value: string | undefined): string[] {
  if (!value) return [];
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === "," && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  const out: string[] = [];
  for (const p of parts) {
    const id = p.split(";")[0]!.trim().replace(/^"|"$/g, "");
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}
