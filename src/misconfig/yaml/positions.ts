// Position lookups, on `yaml` nodes or on the fast reader's PosNodes: rules work on plain objects
// and ask here for line numbers.
import { isMap, isScalar, isSeq } from "yaml";
import type { Node, Pair } from "yaml";
import { PosNode } from "./fast.js";

/** What line lookups need of yaml's LineCounter (line numbers start at 1). */
export interface LineFinder {
  linePos(offset: number): { line: number };
}

export type PathStep = string | number;

/** The first pair whose scalar key reads as `step` (keys may repeat: uniqueKeys is off). */
function pairFor(items: Pair[], step: string): Pair | undefined {
  for (const p of items) {
    const key = p.key as { value?: unknown } | null;
    const v = key?.value;
    // The common case first: a string key, compared without String().
    if (v === step ? isScalar(key) : typeof v !== "string" && isScalar(key) && String(v) === step) return p;
  }
  return undefined;
}

/** A scalar's stand-in below a PosNode: it has a line and no children. */
const NO_KIDS: never[] = [];

/** One step down a PosNode; `offset` is a line number here, not a source offset. */
function downPos(node: PosNode, step: PathStep): { node: unknown; offset: number } | undefined {
  const kid = typeof step === "number" ? (Array.isArray(node.kids) ? node.kids[step] : undefined) : node.kids instanceof Map ? node.kids.get(step) : undefined;
  if (kid === undefined) return undefined;
  return typeof kid === "number" ? { node: new PosNode(kid, kid, NO_KIDS), offset: kid } : { node: kid, offset: kid.at };
}

/** One step down from `node`: the child and where the step starts (its key, or the item). */
function down(node: unknown, step: PathStep): { node: unknown; offset: number | undefined } | undefined {
  if (node instanceof PosNode) return downPos(node, step);
  if (typeof step === "number") {
    if (!isSeq(node)) return undefined;
    const item = node.items[step];
    return { node: item, offset: rangeStart(item) };
  }
  if (!isMap(node)) return undefined;
  const pair = pairFor(node.items, step);
  return pair ? { node: pair.value, offset: rangeStart(pair.key) } : undefined;
}

/** The line of the key (for a map step) or of the item (for a sequence step) at `path` under `root`. */
export function lineAt(root: unknown, path: readonly PathStep[], lc: LineFinder | undefined): number | undefined {
  let node: unknown = root;
  let offset: number | undefined;
  for (const step of path) {
    const next = down(node, step);
    if (next?.offset === undefined) return undefined;
    ({ node, offset } = next);
  }
  if (root instanceof PosNode) return offset ?? root.line;
  if (!lc) return undefined;
  return offset === undefined ? rangeLine(root, lc) : lc.linePos(offset).line;
}

/**
 * The node at `path`, for looking up many fields below it without walking from the root each
 * time: `lineAt(nodeAt(root, p), q)` is `lineAt(root, [...p, ...q])` for a non-empty `q`.
 * Undefined wherever that lineAt would give up along `p`.
 */
export function nodeAt(root: unknown, path: readonly PathStep[]): unknown {
  let node: unknown = root;
  for (const step of path) {
    const next = down(node, step);
    if (next?.offset === undefined) return undefined;
    node = next.node;
  }
  return node;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function rangeLine(node: unknown, lc: LineFinder): number | undefined {
  const start = rangeStart(node);
  return start === undefined ? undefined : lc.linePos(start).line;
}
