// Plain JS values from a composed yaml document, without yaml's general toJS machinery (anchor
// bookkeeping, tag hooks), which cost about a tenth of a large scan. Anything unusual (aliases,
// merge keys, non-scalar keys, custom tags, `__proto__`) returns undefined and the caller uses
// `doc.toJS`, so results are always what yaml itself would give.
import { isMap, isScalar, isSeq, type Document } from "yaml";

const UNUSUAL = Symbol("unusual");

function plain(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  // Explicit tags (!!set, !!omap, !!binary, custom ones) may build other JS types.
  if ((node as { tag?: string }).tag) throw UNUSUAL;
  if (isScalar(node)) {
    const v = node.value;
    // Core-schema scalars only: strings, numbers, booleans and null.
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    throw UNUSUAL;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const k = pair.key;
      if (!isScalar(k)) throw UNUSUAL;
      const kv = k.value;
      if (kv !== null && typeof kv !== "string" && typeof kv !== "number" && typeof kv !== "boolean") throw UNUSUAL;
      // yaml turns a null key into "" when building a plain object.
      const key = kv === null ? "" : String(kv);
      if (key === "<<" || key === "__proto__") throw UNUSUAL;
      out[key] = plain(pair.value);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map(plain);
  throw UNUSUAL;
}

/** `doc.toJS()` for ordinary documents; undefined when yaml's own conversion is needed. */
export function plainValue(doc: Document): { value: unknown } | undefined {
  try {
    return { value: plain(doc.contents) };
  } catch (e) {
    if (e === UNUSUAL) return undefined;
    throw e;
  }
}
