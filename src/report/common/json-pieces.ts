// JSON.stringify(value, null, 2) in pieces, for reports of tens of MB: the caller writes each
// piece while the next is built, and no single string holds the whole document.
//
// Objects are walked key by key down to a few levels; long arrays go in batches of elements.
// Every leaf and batch is stringified by JSON.stringify itself inside stand-in objects that put
// it at its real depth, so the indentation (and every escaping rule) is JSON.stringify's own.
import type { Report } from "../../model/index.js";
import type { ReportWriter, WriteOptions } from "../types.js";

/** Elements per piece: a few hundred KB of text for typical findings. */
const BATCH = 500;
/** Deeper than this, values are written whole (reports keep their long arrays near the top). */
const MAX_WALK_DEPTH = 4;

const pad = (depth: number): string => "  ".repeat(depth);

/** `value` wrapped in `depth` single-key objects, so JSON.stringify indents it as at `depth`. */
function atDepth(value: unknown, depth: number): string {
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = { k: wrapped };
  const text = JSON.stringify(wrapped, null, 2);
  // Each wrapper adds `{\n<pad>"k": ` before and `\n<pad>}` after.
  let head = 0;
  let tail = 0;
  for (let i = 1; i <= depth; i++) head += 2 + 2 * i + 5;
  for (let i = 0; i < depth; i++) tail += 2 + 2 * i;
  return text.slice(head, text.length - tail);
}

const skipped = (v: unknown): boolean => v === undefined || typeof v === "function" || typeof v === "symbol";

function isWalkable(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== "function";
}

export function* jsonPieces(value: unknown, depth = 0): Generator<string> {
  if (Array.isArray(value) && value.length > BATCH) {
    yield "[\n";
    for (let i = 0; i < value.length; i += BATCH) {
      // `[\n<elements>\n<pad>]` at this depth: keep the elements.
      const text = atDepth(value.slice(i, i + BATCH), depth);
      yield text.slice(2, text.length - 2 - 2 * depth) + (i + BATCH < value.length ? ",\n" : "\n");
    }
    yield `${pad(depth)}]`;
    return;
  }
  // A short array of containers (SARIF's `runs`) is walked so long arrays inside it are found.
  if (Array.isArray(value) && value.length > 0 && value.length <= 16 && depth < MAX_WALK_DEPTH && value.some((v) => v !== null && typeof v === "object")) {
    yield "[\n";
    for (let i = 0; i < value.length; i++) {
      yield pad(depth + 1);
      const v = value[i];
      // JSON.stringify writes null for array holes, undefined and functions.
      if (skipped(v)) yield "null";
      else yield* jsonPieces(v, depth + 1);
      yield i < value.length - 1 ? ",\n" : "\n";
    }
    yield `${pad(depth)}]`;
    return;
  }
  if (depth < MAX_WALK_DEPTH && isWalkable(value)) {
    const keys = Object.keys(value).filter((k) => !skipped(value[k]));
    if (keys.length === 0) {
      yield "{}";
      return;
    }
    yield "{\n";
    for (let i = 0; i < keys.length; i++) {
      yield `${pad(depth + 1)}${JSON.stringify(keys[i])}: `;
      yield* jsonPieces(value[keys[i]!], depth + 1);
      yield i < keys.length - 1 ? ",\n" : "\n";
    }
    yield `${pad(depth)}}`;
    return;
  }
  yield atDepth(value, depth);
}

/**
 * A writer whose output is one JSON document (and a newline): `write` stringifies it whole,
 * `writeChunks` in pieces, giving the same text.
 */
export function jsonDocumentWriter(format: string, document: (report: Report, options?: WriteOptions) => unknown): ReportWriter {
  return {
    format,
    write: (report, options) => `${JSON.stringify(document(report, options), null, 2)}\n`,
    *writeChunks(report, options) {
      yield* jsonPieces(document(report, options));
      yield "\n";
    },
  };
}
