// The keyword pre-filter. Most lines hold none of the rules' keywords, so one case-insensitive
// regex pass over the text (an alternation of all keywords: measured faster than lower-casing
// the text or a character loop) finds the few lines worth running rule regexes on. The text is
// never lower-cased, so offsets stay exact whatever the Unicode.

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** Table slot of a character pair; only ASCII pairs have one (all keywords are ASCII). */
function slot(c0: number, c1: number): number {
  return c0 < 128 && c1 < 128 ? (c0 << 7) | c1 : -1;
}

/** `k` (lowercase) occurs at `i` in `text`, ignoring ASCII case. */
function matchesAt(text: string, i: number, k: string): boolean {
  if (i + k.length > text.length) return false;
  for (let j = 0; j < k.length; j++) if (fold(text.charCodeAt(i + j)) !== k.charCodeAt(j)) return false;
  return true;
}

export class KeywordIndex {
  private readonly table = new Uint8Array(1 << 14);
  private readonly bySlot = new Map<number, string[]>();
  private readonly any: RegExp;

  constructor(list: Iterable<string>) {
    const keywords = [...new Set(list)];
    for (const k of keywords) {
      const s = slot(k.charCodeAt(0), k.charCodeAt(1));
      if (k.length < 2 || s < 0 || k !== k.toLowerCase()) throw new Error(`bad keyword: ${k}`);
      this.table[s] = 1;
      this.bySlot.set(s, [...(this.bySlot.get(s) ?? []), k]);
    }
    const sorted = [...keywords].sort((a, b) => b.length - a.length);
    this.any = new RegExp(sorted.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  }

  /** Offset of the first keyword at or after `from`, or -1. */
  next(text: string, from: number): number {
    this.any.lastIndex = from;
    const m = this.any.exec(text);
    return m ? m.index : -1;
  }

  /** Every keyword present in a line (a short character loop: lines are short). */
  present(line: string): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < line.length - 1; i++) {
      const s = slot(fold(line.charCodeAt(i)), fold(line.charCodeAt(i + 1)));
      if (s >= 0 && this.table[s] === 1) for (const k of this.bySlot.get(s) ?? []) if (matchesAt(line, i, k)) found.add(k);
    }
    return found;
  }
}
