// Position lookups on `yaml` nodes: rules work on plain objects and ask here for line numbers.
import { isMap, isScalar, isSeq } from "yaml";
import type { LineCounter, Node } from "yaml";

export type PathStep = string | number;

/** The line of the key (for a map step) or of the item (for a sequence step) at `path` under `root`. */
export function lineAt(root: unknown, path: readonly PathStep[], lc: LineCounter): number | undefined {
  let node: unknown = root;
  let offset: number | undefined;
  for (const step of path) {
    if (typeof step === "number") {
      if (!isSeq(node)) return undefined;
      node = node.items[step];
      offset = rangeStart(node);
    } else {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : undefined) === step);
      if (!pair) return undefined;
      node = pair.value;
      offset = rangeStart(pair.key);
    }
    if (offset === undefined) return undefined;
  }
  return offset === undefined ? rangeLine(root, lc) : lc.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function rangeLine(node: unknown, lc: LineCounter): number | undefined {
  const start = rangeStart(node);
  return start === undefined ? undefined : lc.linePos(start).line;
}

/** Last line of the node at `path` (its value end), for `endLine`. */
export function endLineAt(root: unknown, path: readonly PathStep[], lc: LineCounter): number | undefined {
  let node: unknown = root;
  for (const step of path) {
    if (typeof step === "number") {
      if (!isSeq(node)) return undefined;
      node = node.items[step];
    } else {
      if (!isMap(node)) return undefined;
      node = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : undefined) === step)?.value;
    }
  }
  const range = (node as Node | null | undefined)?.range;
  if (!range) return undefined;
  // range[1] is the end of the value; step back over a trailing newline so the line is the last content line.
  return lc.linePos(Math.max(range[0], range[1] - 1)).line;
}
