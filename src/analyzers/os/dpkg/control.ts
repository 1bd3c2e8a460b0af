// Reader for dpkg's control-file format (deb822): stanzas of `Field: value` lines.

export interface Stanza {
  /** 1-based line where the stanza starts, for error messages. */
  line: number;
  /** Field names lower-cased (they are case-insensitive); continuation lines joined with "\n". */
  fields: Map<string, string>;
}

/**
 * Splits control text into stanzas. More forgiving than dpkg on purpose, since images carry
 * files written by other tools: CRLF endings, whitespace-only separator lines and a missing final
 * newline are accepted; lines that are neither fields nor continuations are dropped.
 */
export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | null = null;
  let lastKey: string | null = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      current = null;
      lastKey = null;
      continue;
    }
    const first = line[0];
    if (first === " " || first === "\t") {
      if (current && lastKey !== null) {
        current.fields.set(lastKey, `${current.fields.get(lastKey) ?? ""}\n${line.trim()}`);
      }
      continue;
    }
    if (!current) {
      current = { line: i + 1, fields: new Map() };
      stanzas.push(current);
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      lastKey = null;
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    // dpkg rejects repeated fields; keeping the first is the lenient equivalent.
    if (current.fields.has(key)) {
      lastKey = null;
      continue;
    }
    current.fields.set(key, line.slice(colon + 1).trim());
    lastKey = key;
  }
  return stanzas;
}
