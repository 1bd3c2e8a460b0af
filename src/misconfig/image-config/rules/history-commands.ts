// Helpers to look at the shell commands recorded in history.
import { program, splitShell } from "../../dockerfile/shell.js";
import type { ImageDoc } from "../types.js";

export interface HistoryCall {
  index: number;
  createdBy: string;
  name: string;
  args: string[];
  words: string[];
}

// Several rules read the calls of the same image: split its history once.
const cache = new WeakMap<ImageDoc, HistoryCall[]>();

/** Shell commands of every RUN-like history step (legacy `/bin/sh -c …` and BuildKit `RUN …`). */
export function historyCalls(doc: ImageDoc): readonly HistoryCall[] {
  let calls = cache.get(doc);
  if (!calls) cache.set(doc, (calls = splitHistory(doc)));
  return calls;
}

function splitHistory(doc: ImageDoc): HistoryCall[] {
  const out: HistoryCall[] = [];
  for (const step of doc.history) {
    if (/#\(nop\)/.test(step.createdBy)) continue;
    const text = step.createdBy
      .replace(/^RUN\s+/, "")
      .replace(/^\|\d+\s+(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*/, "")
      .replace(/^\/bin\/(?:ba)?sh\s+-c\s+/, "")
      .replace(/\s+# buildkit$/, "");
    for (const cmd of splitShell(text)) {
      const p = program(cmd);
      out.push({ index: step.index, createdBy: step.createdBy, name: p.name, args: p.args, words: cmd.words });
    }
  }
  return out;
}
