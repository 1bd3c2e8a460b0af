// A JSON config file, parsed by JSON.parse (strict, as dockerd's own reader), with the line of
// each top-level key found by a scan of the text that tracks strings and nesting depth.
export interface JsonFile {
  path: string;
  value: Record<string, unknown>;
  /** 1-based line of a top-level key. */
  lineOf(key: string): number | undefined;
}

export function parseJsonFile(text: string, path: string): JsonFile | { path: string; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { path, error: (e as Error).message };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { path, error: "not a JSON object" };
  const lines = topLevelKeyLines(text);
  return { path, value: value as Record<string, unknown>, lineOf: (k) => lines.get(k) };
}

/** Top-level keys of a valid JSON object text → their line (first occurrence). */
export function topLevelKeyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let depth = 0;
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    else if (c === "{" || c === "[") {
      depth++;
      expectKey = depth === 1 && c === "{";
    } else if (c === "}" || c === "]") depth--;
    else if (c === ",") expectKey = depth === 1;
    else if (c === '"') {
      const start = i;
      const startLine = line;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (expectKey && depth === 1) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (!out.has(key)) out.set(key, startLine);
        expectKey = false;
      }
    }
  }
  return out;
}
