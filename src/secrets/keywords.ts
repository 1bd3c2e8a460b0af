// The keyword pre-filter. Most lines hold none of the rules' keywords, so one pass over the
// text finds the few lines worth running rule regexes on: an Aho-Corasick automaton over the
// keywords (all ASCII, matched ignoring ASCII case), as a flat transition table. It was measured
// 3.5 times faster than one case-insensitive regex alternation of the keywords (126 against
// 437 ms on 60 MB of real library code), which was itself faster than lower-casing the text.
// The text is never lower-cased, so offsets stay exact whatever the Unicode.

export class KeywordIndex {
  /** state * 128 + folded character -> next state. */
  private readonly moves: Int32Array;
  /** Length of a keyword that ends in this state (0: none). */
  private readonly ends: Int32Array;
  /** Byte -> its class: bytes that move every state alike share one (46 classes for 256 bytes). */
  private readonly byteClass: Uint8Array;
  /** Number of byte classes. */
  private readonly classes: number;
  /**
   * (state * classes + class) -> ((next state * classes) << 1) | (1 if a keyword ends there);
   * see `nextIn`. A sixth of a table by byte, so the walk's one dependent load per byte stays
   * in cache (measured 15-25% faster over the real image's 231 MB of text).
   */
  private readonly classMoves: Int32Array;
  /** Keywords ending in state s (its own and its suffixes'): outputs[outStart[s]..outStart[s+1]). */
  private readonly outStart: Int32Array;
  private readonly outputs: string[];

  constructor(list: Iterable<string>) {
    const keywords = [...new Set(list)];
    for (const k of keywords) {
      if (k.length < 2 || !/^[\x00-\x7f]+$/.test(k) || k !== k.toLowerCase()) throw new Error(`bad keyword: ${k}`);
    }
    const ac = automaton(keywords);
    this.moves = ac.moves;
    this.ends = ac.ends;
    this.outStart = ac.outStart;
    this.outputs = ac.outputs;
    const states = this.ends.length;
    // Byte classes: bytes >= 0x80 all go back to the start state (class 0 with every byte no
    // keyword holds); ASCII bytes are grouped by their column of the transition table.
    // Columns are compared by a hash, then element by element with the class's first byte.
    this.byteClass = new Uint8Array(256);
    const moveOf = (st: number, b: number): number => (b < 128 ? this.moves[(st << 7) | b]! : 0);
    const byHash = new Map<number, number[]>();
    const representative: number[] = [];
    for (let b = 0; b < 256; b++) {
      let h = 0;
      for (let st = 0; st < states; st++) h = (Math.imul(h, 31) + moveOf(st, b)) | 0;
      const candidates = byHash.get(h) ?? [];
      let c = candidates.find((k) => {
        const r = representative[k]!;
        for (let st = 0; st < states; st++) if (moveOf(st, r) !== moveOf(st, b)) return false;
        return true;
      });
      if (c === undefined) {
        c = representative.push(b) - 1;
        byHash.set(h, [...candidates, c]);
      }
      this.byteClass[b] = c;
    }
    const classes = (this.classes = representative.length);
    this.classMoves = new Int32Array(states * classes);
    for (let st = 0; st < states; st++) {
      for (let c = 0; c < classes; c++) {
        const b = representative[c]!;
        const t = b < 128 ? this.moves[(st << 7) | b]! : 0;
        this.classMoves[st * classes + c] = ((t * classes) << 1) | (this.ends[t] !== 0 ? 1 : 0);
      }
    }
  }

  /**
   * Offset of a keyword at or after `from` whose line is the first line, from there on, that
   * holds any keyword (the keyword that ends first; a longer one may start before it on the
   * same line), or -1.
   */
  next(text: string, from: number): number {
    const moves = this.moves;
    const ends = this.ends;
    let state = 0;
    for (let i = from, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      state = c < 128 ? moves[(state << 7) | c]! : 0;
      const len = ends[state]!;
      if (len !== 0) return i - len + 1;
    }
    return -1;
  }

  /**
   * Like `next`, over UTF-8 bytes: the byte offset of the keyword, or -1. Keywords are ASCII and
   * every byte of a multi-byte UTF-8 character is >= 0x80, which resets the automaton as the
   * decoded character does in `next`, so both find the same keywords. Each entry of the class
   * table is the next state's row (state * classes) shifted left once, bit 0 set when a keyword
   * ends there: per byte, one load of its class (independent of the state) and one dependent load.
   */
  nextIn(bytes: Uint8Array, from: number): number {
    const table = this.classMoves;
    const byteClass = this.byteClass;
    let e = 0;
    for (let i = from, n = bytes.length; i < n; i++) {
      e = table[(e >>> 1) + byteClass[bytes[i]!]!]!;
      if ((e & 1) !== 0) return i - this.ends[(e >>> 1) / this.classes]! + 1;
    }
    return -1;
  }

  /**
   * Every keyword present in a line: the same automaton walked over the whole line, collecting
   * the keywords that end in each state. Linear in the line whatever its length (a minified
   * bundle or a source map is one line of hundreds of kilobytes).
   */
  /**
   * Per state, the payload numbers of the keywords that end there (its own and its suffixes'),
   * deduplicated: `payload(keyword)` gives a keyword's numbers (for the secret rules, the rules
   * that list it). For `collect`.
   */
  withPayloads(payload: (keyword: string) => readonly number[]): this {
    const states = this.ends.length;
    const start = new Int32Array(states + 1);
    const flat: number[] = [];
    for (let st = 0; st < states; st++) {
      start[st] = flat.length;
      const set = new Set<number>();
      for (let o = this.outStart[st]!; o < this.outStart[st + 1]!; o++) for (const n of payload(this.outputs[o]!)) set.add(n);
      flat.push(...set);
    }
    start[states] = flat.length;
    this.payloadStart = start;
    this.payloadFlat = Int32Array.from(flat);
    return this;
  }

  private payloadStart: Int32Array | undefined;
  private payloadFlat: Int32Array | undefined;

  /**
   * The payload numbers (see `withPayloads`) of every keyword in a line, each once, in ascending
   * order, appended to `out`; `seen` is a scratch array as long as the largest number + 1, all
   * zero on entry and on return. No allocation per line, unlike `present`.
   */
  collect(line: string, seen: Uint8Array, out: number[]): void {
    const { moves } = this;
    const start = this.payloadStart!;
    const flat = this.payloadFlat!;
    const first = out.length;
    let state = 0;
    for (let i = 0, n = line.length; i < n; i++) {
      const c = line.charCodeAt(i);
      state = c < 128 ? moves[(state << 7) | c]! : 0;
      for (let o = start[state]!, to = start[state + 1]!; o < to; o++) {
        const v = flat[o]!;
        if (seen[v] === 0) {
          seen[v] = 1;
          out.push(v);
        }
      }
    }
    for (let k = first; k < out.length; k++) seen[out[k]!] = 0;
    if (out.length - first > 1) {
      const part = out.splice(first).sort((a, b) => a - b);
      out.push(...part);
    }
  }

  present(line: string): Set<string> {
    const found = new Set<string>();
    const { moves, outStart, outputs } = this;
    let state = 0;
    for (let i = 0, n = line.length; i < n; i++) {
      const c = line.charCodeAt(i);
      state = c < 128 ? moves[(state << 7) | c]! : 0;
      const from = outStart[state]!;
      const to = outStart[state + 1]!;
      for (let o = from; o < to; o++) found.add(outputs[o]!);
    }
    return found;
  }
}

/**
 * The Aho-Corasick automaton of `keywords` (lowercase ASCII), with failure links folded into a
 * complete transition table over ASCII; upper-case letters move like their lower-case ones.
 */
function automaton(keywords: string[]): { moves: Int32Array; ends: Int32Array; outStart: Int32Array; outputs: string[] } {
  const next: Int32Array[] = [new Int32Array(128).fill(-1)];
  const ends: number[] = [0];
  const own: (string | undefined)[] = [undefined];
  for (const k of keywords) {
    let s = 0;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      if (next[s]![c] === -1) {
        next[s]![c] = next.length;
        next.push(new Int32Array(128).fill(-1));
        ends.push(0);
        own.push(undefined);
      }
      s = next[s]![c]!;
    }
    ends[s] = Math.max(ends[s]!, k.length);
    own[s] = k;
  }
  // Breadth first: each state's missing moves are its failure state's moves.
  const failure = new Int32Array(next.length);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const t = next[0]![c]!;
    if (t === -1) next[0]![c] = 0;
    else queue.push(t);
  }
  for (let q = 0; q < queue.length; q++) {
    const r = queue[q]!;
    for (let c = 0; c < 128; c++) {
      const t = next[r]![c]!;
      if (t === -1) {
        next[r]![c] = next[failure[r]!]![c]!;
        continue;
      }
      failure[t] = next[failure[r]!]![c]!;
      // A keyword that ends where this state's longest suffix state ends also ends here.
      if (ends[t] === 0) ends[t] = ends[failure[t]!]!;
      queue.push(t);
    }
  }
  // Output lists: a state's own keyword, then its failure state's list (already complete: the
  // queue is in breadth-first order and failure states are shallower).
  const lists: string[][] = new Array<string[]>(next.length);
  lists[0] = [];
  for (const s of queue) {
    const k = own[s];
    lists[s] = k === undefined ? lists[failure[s]!]! : [k, ...lists[failure[s]!]!];
  }
  const outStart = new Int32Array(next.length + 1);
  const outputs: string[] = [];
  for (let s = 0; s < next.length; s++) {
    outStart[s] = outputs.length;
    outputs.push(...lists[s]!);
  }
  outStart[next.length] = outputs.length;
  const moves = new Int32Array(next.length * 128);
  next.forEach((row, s) => moves.set(row, s * 128));
  for (let s = 0; s < next.length; s++) for (let c = 65; c <= 90; c++) moves[s * 128 + c] = moves[s * 128 + (c | 0x20)]!;
  return { moves, ends: Int32Array.from(ends), outStart, outputs };
}
