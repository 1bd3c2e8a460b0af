// The yaml library parses deeply nested flow collections (`[[[[…`) slowly enough that a
// hostile file of a few megabytes stalls a scan. Lockfiles nest two or three levels, so a
// cheap scan can refuse absurd nesting before the parser sees it.

/** Throws when `[`/`{` nesting, counted outside quoted scalars, goes deeper than `max`. */
export function assertFlowDepth(text: string, max: number, what: string): void {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 10 /* \n */ || text[i] === quote) quote = "";
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) quote = text[i]!;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) throw new Error(`${what}: collections nested deeper than ${max} levels`);
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (depth > 0) depth--;
    }
  }
}
