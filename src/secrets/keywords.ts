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
  /** (state << 8) | byte -> (next state << 8) | (1 if a keyword ends there); see `nextIn`. */
  private readonly byteMoves: Int32Array;
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
    this.byteMoves = new Int32Array(states * 256);
    for (let st = 0; st < states; st++) {
      for (let c = 0; c < 128; c++) {
        const t = this.moves[(st << 7) | c]!;
        this.byteMoves[(st << 8) | c] = (t << 8) | (this.ends[t] !== 0 ? 1 : 0);
      }
      // Bytes >= 0x80 stay 0: back to the start state, no keyword.
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
   * decoded character does in `next`, so both find the same keywords. Each entry of the byte
   * table is the next state's row (state << 8) with bit 0 set when a keyword ends there: one
   * load per byte.
   */
  nextIn(bytes: Uint8Array, from: number): number {
    const table = this.byteMoves;
    let e = 0;
    for (let i = from, n = bytes.length; i < n; i++) {
      e = table[(e & ~0xff) | bytes[i]!]!;
      if ((e & 1) !== 0) return i - this.ends[e >>> 8]! + 1;
    }
    return -1;
  }

  /**
   * Every keyword present in a line: the same automaton walked over the whole line, collecting
   * the keywords that end in each state. Linear in the line whatever its length (a minified
   * bundle or a source map is one line of hundreds of kilobytes).
   */
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
