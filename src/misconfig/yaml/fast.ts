// A reader for the YAML that manifests are made of: block mappings and sequences, one-line flow
// collections, plain and quoted one-line scalars, literal block scalars and comments. It builds
// the plain value and the line of every key and item directly from the lines of the text, which
// is several times faster than building yaml's document tree (most of a large `config` run).
//
// It gives up (`undefined`) on anything else: anchors, aliases, tags, folded or multi-line
// scalars, complex keys, duplicate keys, tabs in indentation, and every construct that yaml
// would report as an error. The caller then parses that document with `yaml`, so this reader
// never has to be right about the rest of YAML, only about what it accepts; `fast.test.ts`
// compares the two on every document of real corpora and on mutations of them.

/** A collection, for line lookups: `at` is the line its parent's key or item is on. */
export class PosNode {
  constructor(
    readonly at: number,
    /** The line the collection itself starts on. */
    readonly line: number,
    /** Per key or item: a line (scalar) or a node (collection). */
    readonly kids: Map<string, PosKid> | PosKid[],
  ) {}
}
export type PosKid = number | PosNode;

export interface FastDocument {
  value: unknown;
  /** Null for an empty document. */
  pos: PosNode | null;
}

/** One document of a file: lines [from, to) of the file's lines. */
export interface Chunk {
  from: number;
  to: number;
}

class GiveUp extends Error {}
const GIVE_UP = new GiveUp("unsupported YAML");
function giveUp(): never {
  throw GIVE_UP;
}

/**
 * The file's lines split into documents at `---` lines, or undefined when the file has a feature
 * that concerns more than one document (directives, `...` document ends, CR line ends, a BOM).
 */
export function splitDocuments(text: string): { lines: string[]; chunks: Chunk[] } | undefined {
  if (text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split("\n");
  const chunks: Chunk[] = [];
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!;
    const c = s.charCodeAt(0);
    if (c === 0x25 /* % */) return undefined;
    if ((c === 0x2d /* - */ || c === 0x2e) /* . */ && marker(s)) {
      if (c === 0x2e) return undefined;
      if (i > from) chunks.push({ from, to: i });
      from = i;
    }
  }
  chunks.push({ from, to: lines.length });
  return { lines, chunks };
}

/** `---` or `...` followed by a space, a tab or the end of the line. */
function marker(s: string): boolean {
  if (s.length < 3 || s[1] !== s[0] || s[2] !== s[0]) return false;
  return s.length === 3 || s[3] === " " || s[3] === "\t";
}

/** The document in `lines[chunk.from, chunk.to)`, or undefined when yaml must read it. */
export function readDocument(lines: string[], chunk: Chunk): FastDocument | undefined {
  try {
    return new Reader(lines, chunk.to).document(chunk.from);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/** Indentation of a content line, or -1 for a blank or comment-only line. */
function indentOf(s: string): number {
  let i = 0;
  while (s.charCodeAt(i) === 0x20) i++;
  if (i === s.length) return -1;
  const c = s.charCodeAt(i);
  if (c === 0x23 /* # */) return -1;
  // yaml refuses tabs as indentation, even on some blank lines: all are left to it.
  if (c === 0x09) giveUp();
  return i;
}

function skipSpaces(s: string, p: number): number {
  while (s.charCodeAt(p) === 0x20) p++;
  return p;
}

/** Nothing but spaces and a comment from p on; a comment needs a space before it. */
function restIsEmpty(s: string, p: number): boolean {
  const q = skipSpaces(s, p);
  return q === s.length || (q > p && s.charCodeAt(q) === 0x23);
}

/** `- ` or a lone `-` at column n. */
function isItem(s: string, n: number): boolean {
  return s.charCodeAt(n) === 0x2d && (n + 1 === s.length || s.charCodeAt(n + 1) === 0x20);
}

// Characters that start something other than a plain scalar (YAML's c-indicator), and the ones
// that may start one only when followed by a non-space (`-1`, `:x`, `?x`; those are given up).
const INDICATOR = new Set("-?:,[]{}#&*!|>'\"%@`");
/** Deeper nesting is left to yaml (and kept off this reader's recursion). */
const MAX_DEPTH = 100;
/** Implicit keys are limited to 1024 characters in yaml; longer ones are left to it. */
const MAX_KEY = 1000;

/** Whether a plain scalar may start at p: not an indicator, except `-` before a non-space (`--port`, `-1`). */
function plainStart(s: string, p: number): boolean {
  const c = s[p]!;
  if (!INDICATOR.has(c)) return true;
  if (c !== "-") return false;
  const n = s[p + 1];
  return n !== undefined && n !== " " && n !== "\t" && n !== "," && n !== "[" && n !== "]" && n !== "{" && n !== "}";
}

class Reader {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly lines: string[],
    private readonly to: number,
  ) {}

  document(from: number): FastDocument {
    let start = from;
    const first = this.lines[from]!;
    if (first.startsWith("---")) {
      if (!restIsEmpty(first, 3)) giveUp();
      start++;
    }
    const j = this.next(start);
    if (j >= this.to) return { value: null, pos: null };
    const n = indentOf(this.lines[j]!);
    const c = this.lines[j]!.charCodeAt(n);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) return new Json(this.lines, j, n, this.to).document();
    if (isItem(this.lines[j]!, n)) giveUp();
    const [value, pos] = this.map(j, n, j + 1);
    if (this.next(this.i) < this.to) giveUp();
    return { value, pos };
  }

  /** The next content line from i on (or `to`). */
  private next(i: number): number {
    while (i < this.to && indentOf(this.lines[i]!) < 0) i++;
    return i;
  }

  /** A block mapping whose first key is at column `col` of line `l`; entries continue at `col`. */
  private map(l: number, col: number, at: number): [Record<string, unknown>, PosNode] {
    const obj: Record<string, unknown> = {};
    const kids = new Map<string, PosKid>();
    const node = new PosNode(at, l + 1, kids);
    if (++this.depth > MAX_DEPTH) giveUp();
    for (;;) {
      this.entry(l, col, obj, kids);
      l = this.next(this.i);
      if (l >= this.to) break;
      const n = indentOf(this.lines[l]!);
      if (n < col) break;
      if (n > col || isItem(this.lines[l]!, n)) giveUp();
    }
    this.depth--;
    return [obj, node];
  }

  private entry(l: number, c: number, obj: Record<string, unknown>, kids: Map<string, PosKid>): void {
    const s = this.lines[l]!;
    const k = keyAt(s, c);
    if (!k) giveUp();
    const key = k.key;
    // `__proto__` and merge keys mean something special to yaml's toJS.
    if (key === "__proto__" || key === "<<" || kids.has(key)) giveUp();
    const [value, kid] = this.value(l, k.end, c, l + 1, true);
    obj[key] = value;
    kids.set(key, kid);
  }

  /**
   * The value starting at column p of line l (after `key:` or `- `), in a block collection at
   * column `parent`. A sequence may sit at the parent's own column only under a key.
   */
  private value(l: number, p: number, parent: number, at: number, underKey: boolean): [unknown, PosKid] {
    const s = this.lines[l]!;
    p = skipSpaces(s, p);
    const c = s.charCodeAt(p);
    if (p === s.length || c === 0x23) {
      // Nothing on this line: a nested collection on the next ones, or null.
      const j = this.next(l + 1);
      if (j < this.to) {
        const n = indentOf(this.lines[j]!);
        const item = isItem(this.lines[j]!, n);
        if (n > parent || (n === parent && item && underKey)) return item ? this.seq(j, n, at) : this.map(j, n, at);
      }
      if (!underKey) giveUp(); // a null sequence item: rare, and its position is yaml's own
      this.i = l + 1;
      return [null, at];
    }
    let value: unknown;
    if (c === 0x7c /* | */) return [this.literal(l, p, parent), at];
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      const f = new Flow(s, l + 1);
      const [v, node] = f.collection(p, at);
      if (!restIsEmpty(s, f.p)) giveUp();
      this.scalarEnd(l, parent);
      return [v, node];
    }
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const q = quoted(s, p);
      if (!restIsEmpty(s, q.end)) giveUp();
      value = q.value;
    } else {
      if (!plainStart(s, p)) giveUp();
      let e = p;
      // A plain scalar ends at a comment; `: ` inside would make it a key.
      while (e < s.length) {
        const ch = s.charCodeAt(e);
        if (ch === 0x23 && s.charCodeAt(e - 1) === 0x20) break;
        if (ch === 0x3a && (e + 1 === s.length || s.charCodeAt(e + 1) === 0x20)) giveUp();
        if (ch === 0x09) giveUp();
        e++;
      }
      value = resolvePlain(s.slice(p, e).trimEnd());
    }
    this.scalarEnd(l, parent);
    return [value, at];
  }

  /** After a one-line value: a more indented line would continue it (multi-line scalar). */
  private scalarEnd(l: number, parent: number): void {
    this.i = l + 1;
    const j = this.next(l + 1);
    if (j < this.to && indentOf(this.lines[j]!) > parent) giveUp();
  }

  /** A block sequence whose items' dashes are at column n, starting on line l. */
  private seq(l: number, n: number, at: number): [unknown[], PosNode] {
    const arr: unknown[] = [];
    const kids: PosKid[] = [];
    const node = new PosNode(at, l + 1, kids);
    if (++this.depth > MAX_DEPTH) giveUp();
    for (;;) {
      const s = this.lines[l]!;
      const p = skipSpaces(s, n + 1);
      let item: [unknown, PosKid];
      if (p === s.length || s.charCodeAt(p) === 0x23) {
        const j = this.next(l + 1);
        if (j >= this.to) giveUp();
        const m = indentOf(this.lines[j]!);
        if (m <= n) giveUp();
        item = isItem(this.lines[j]!, m) ? this.seq(j, m, j + 1) : this.map(j, m, j + 1);
      } else if (isItem(s, p)) {
        giveUp(); // `- - x`
      } else if (keyAt(s, p)) {
        item = this.map(l, p, l + 1);
      } else {
        item = this.value(l, p, n, l + 1, false);
      }
      arr.push(item[0]);
      kids.push(item[1]);
      l = this.next(this.i);
      if (l >= this.to) break;
      const m = indentOf(this.lines[l]!);
      if (m < n || (m === n && !isItem(this.lines[l]!, n))) break;
      if (m > n) giveUp();
    }
    this.depth--;
    return [arr, node];
  }

  /** A literal block scalar (`|` or `|-`) whose header is at column p of line l. */
  private literal(l: number, p: number, parent: number): string {
    const s = this.lines[l]!;
    let h = p + 1;
    const strip = s.charCodeAt(h) === 0x2d;
    if (strip) h++;
    // Keep chomping (`|+`) and indentation indicators are left to yaml.
    if (!restIsEmpty(s, h)) giveUp();
    const out: string[] = [];
    let indent = -1;
    let blanks = 0;
    let k = l + 1;
    for (; k < this.to; k++) {
      const line = this.lines[k]!;
      let n = 0;
      while (line.charCodeAt(n) === 0x20) n++;
      // Tabs around a block scalar's lines are read in ways best left to yaml.
      if (line.charCodeAt(n) === 0x09) giveUp();
      if (n === line.length) {
        // A blank line; one with spaces beyond the indentation would be content: left to yaml.
        if (indent >= 0 ? n > indent : false) giveUp();
        blanks++;
        continue;
      }
      if (indent < 0) {
        if (n <= parent) giveUp(); // an empty scalar
        indent = n;
        // Leading blank lines longer than the indentation are an error in yaml.
        for (let b = l + 1; b < k; b++) if (this.lines[b]!.length > indent) giveUp();
      } else if (n < indent) {
        break;
      }
      for (; blanks > 0; blanks--) out.push("");
      out.push(line.slice(indent));
      this.i = k + 1;
    }
    // Clipping keeps the last line break, which the file's last line does not have.
    if (indent < 0 || this.i === this.lines.length) giveUp();
    this.scalarEnd(this.i - 1, parent);
    const text = out.join("\n");
    return strip ? text : `${text}\n`;
  }
}

/** A `key:` at column c of s: the key's name and where its value starts (after the colon). */
function keyAt(s: string, c: number): { key: string; end: number } | undefined {
  const ch = s.charCodeAt(c);
  if (ch === 0x22 || ch === 0x27) {
    const q = quoted(s, c);
    const e = skipSpaces(s, q.end);
    if (s.charCodeAt(e) !== 0x3a || !(e + 1 === s.length || s.charCodeAt(e + 1) === 0x20)) return undefined;
    if (q.end - c > MAX_KEY) giveUp();
    return { key: q.value, end: e + 1 };
  }
  if (!plainStart(s, c)) return undefined;
  for (let e = c; e < s.length; e++) {
    const x = s.charCodeAt(e);
    if (x === 0x3a && (e + 1 === s.length || s.charCodeAt(e + 1) === 0x20)) {
      if (e - c > MAX_KEY) giveUp();
      const text = s.slice(c, e).trimEnd();
      const v = resolvePlain(text);
      // A null key becomes "" in toJS but matches no lookup in yaml's tree: left to yaml.
      if (v === null) giveUp();
      return { key: String(v), end: e + 1 };
    }
    if (x === 0x23 && s.charCodeAt(e - 1) === 0x20) return undefined;
    if (x === 0x09) giveUp();
  }
  return undefined;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A quoted scalar starting at p; it must end on the same line. */
function quoted(s: string, p: number): { value: string; end: number } {
  const q = s[p]!;
  let out = "";
  let from = p + 1;
  for (let i = p + 1; i < s.length; i++) {
    const c = s[i]!;
    if (q === "'") {
      if (c !== "'") continue;
      out += s.slice(from, i);
      if (s[i + 1] === "'") {
        out += "'";
        from = ++i + 1;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    if (c === '"') return { value: out + s.slice(from, i), end: i + 1 };
    if (c !== "\\") continue;
    out += s.slice(from, i);
    const e = s[i + 1];
    if (e === undefined) giveUp(); // an escaped line break: multi-line
    const hex = HEX_DIGITS[e];
    if (hex !== undefined) {
      const digits = s.slice(i + 2, i + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) giveUp();
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) giveUp();
      out += String.fromCodePoint(code);
      i += 1 + hex;
    } else {
      const r = ESCAPES[e];
      if (r === undefined) giveUp();
      out += r;
      i++;
    }
    from = i + 1;
  }
  return giveUp(); // not closed on this line
}

/** A one-line flow collection (`[a, b]`, `{k: v}`, nested); `p` is where reading stopped. */
class Flow {
  p = 0;
  constructor(
    private readonly s: string,
    private readonly line: number,
    private readonly depth = 0,
  ) {
    if (depth > MAX_DEPTH) giveUp();
  }

  collection(p: number, at: number): [unknown, PosNode] {
    this.p = p;
    return this.s[p] === "[" ? this.seq(at) : this.map(at);
  }

  private seq(at: number): [unknown[], PosNode] {
    const arr: unknown[] = [];
    const kids: PosKid[] = [];
    this.p = skipSpaces(this.s, this.p + 1);
    if (this.s[this.p] === "]") {
      this.p++;
      return [arr, new PosNode(at, this.line, kids)];
    }
    for (;;) {
      const [v, kid] = this.item();
      // `[a: b]` is a one-pair map in yaml.
      if (this.s[this.p] === ":") giveUp();
      arr.push(v);
      kids.push(kid);
      if (!this.separator("]")) break;
    }
    return [arr, new PosNode(at, this.line, kids)];
  }

  private map(at: number): [Record<string, unknown>, PosNode] {
    const obj: Record<string, unknown> = {};
    const kids = new Map<string, PosKid>();
    this.p = skipSpaces(this.s, this.p + 1);
    if (this.s[this.p] === "}") {
      this.p++;
      return [obj, new PosNode(at, this.line, kids)];
    }
    for (;;) {
      const c = this.s[this.p];
      let key: string;
      if (c === '"' || c === "'") {
        const q = quoted(this.s, this.p);
        key = q.value;
        this.p = skipSpaces(this.s, q.end);
      } else {
        const v = this.plain(true);
        if (v === null) giveUp();
        key = String(v);
      }
      if (key === "__proto__" || key === "<<" || kids.has(key)) giveUp();
      if (this.s[this.p] !== ":" || this.s[this.p + 1] !== " ") giveUp();
      this.p++;
      const [v, kid] = this.item();
      obj[key] = v;
      kids.set(key, kid);
      if (!this.separator("}")) break;
    }
    return [obj, new PosNode(at, this.line, kids)];
  }

  /** After an entry: `,` and another entry (true), or the closing bracket (false). */
  private separator(close: string): boolean {
    this.p = skipSpaces(this.s, this.p);
    const c = this.s[this.p];
    if (c === close) {
      this.p++;
      return false;
    }
    if (c !== ",") giveUp();
    this.p = skipSpaces(this.s, this.p + 1);
    // A trailing comma or an empty entry: left to yaml.
    if (this.s[this.p] === close || this.s[this.p] === ",") giveUp();
    return true;
  }

  private item(): [unknown, PosKid] {
    this.p = skipSpaces(this.s, this.p);
    const c = this.s[this.p];
    if (c === "[" || c === "{") {
      const f = new Flow(this.s, this.line, this.depth + 1);
      const r = f.collection(this.p, this.line);
      this.p = skipSpaces(this.s, f.p);
      return r;
    }
    if (c === '"' || c === "'") {
      const q = quoted(this.s, this.p);
      this.p = skipSpaces(this.s, q.end);
      return [q.value, this.line];
    }
    return [this.plain(false), this.line];
  }

  /** A plain scalar inside a flow collection: ends at `,[]{}`, or at `: ` for a key. */
  private plain(key: boolean): unknown {
    const s = this.s;
    const p = this.p;
    if (p >= s.length || !plainStart(s, p)) giveUp();
    let e = p;
    for (; e < s.length; e++) {
      const c = s[e]!;
      if (c === "," || c === "[" || c === "]" || c === "{" || c === "}") break;
      if (c === ":") {
        const n = s[e + 1];
        if (n === " " || n === "," || n === "[" || n === "]" || n === "{" || n === "}" || n === undefined) {
          if (!key) giveUp();
          break;
        }
      }
      if (c === "#" && s[e - 1] === " ") giveUp();
      if (c === "\t") giveUp();
    }
    if (key && s[e] !== ":") giveUp();
    this.p = e;
    return resolvePlain(s.slice(p, e).trimEnd());
  }
}

/**
 * A JSON document (`kubectl get -o json`), which is YAML too: strict JSON only (no comments,
 * trailing commas or raw control characters), across lines, with tabs allowed as whitespace.
 */
class Json {
  private depth = 0;

  constructor(
    private readonly lines: string[],
    private l: number,
    private c: number,
    private readonly to: number,
  ) {}

  document(): FastDocument {
    const [value, pos] = this.value(this.l + 1);
    this.space();
    if (this.l < this.to) giveUp(); // more than one value
    return { value, pos: pos as PosNode };
  }

  /** Skips spaces, tabs and line ends; the end of the document leaves l at `to`. */
  private space(): void {
    for (;;) {
      const s = this.lines[this.l];
      if (s === undefined || this.l >= this.to) return;
      let c = this.c;
      while (c < s.length && (s.charCodeAt(c) === 0x20 || s.charCodeAt(c) === 0x09)) c++;
      if (c < s.length) {
        this.c = c;
        return;
      }
      this.l++;
      this.c = 0;
    }
  }

  private peek(): string | undefined {
    return this.l < this.to ? this.lines[this.l]![this.c] : undefined;
  }

  private value(at: number): [unknown, PosKid] {
    this.space();
    const ch = this.peek();
    if (ch === "{" || ch === "[") {
      if (++this.depth > MAX_DEPTH) giveUp();
      const r = ch === "{" ? this.object(at) : this.array(at);
      this.depth--;
      return r;
    }
    if (ch === '"') return [this.string(), at];
    if (ch === undefined) giveUp();
    const s = this.lines[this.l]!;
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null/y;
    m.lastIndex = this.c;
    const hit = m.exec(s);
    if (!hit) giveUp();
    this.c += hit[0].length;
    const next = s[this.c];
    if (next !== undefined && next !== " " && next !== "\t" && next !== "," && next !== "]" && next !== "}") giveUp();
    return [resolvePlain(hit[0]), at];
  }

  private object(at: number): [Record<string, unknown>, PosNode] {
    const obj: Record<string, unknown> = {};
    const kids = new Map<string, PosKid>();
    const node = new PosNode(at, this.l + 1, kids);
    this.c++;
    this.space();
    if (this.peek() === "}") {
      this.c++;
      return [obj, node];
    }
    for (;;) {
      this.space();
      if (this.peek() !== '"') giveUp();
      const keyLine = this.l + 1;
      const start = this.c;
      const key = this.string();
      if (this.c - start > MAX_KEY || key === "__proto__" || key === "<<" || kids.has(key)) giveUp();
      this.space();
      // A key and its colon on different lines are an error in yaml.
      if (this.peek() !== ":" || this.l + 1 !== keyLine) giveUp();
      this.c++;
      const [v, kid] = this.value(keyLine);
      obj[key] = v;
      kids.set(key, kid);
      if (!this.separator("}")) return [obj, node];
    }
  }

  private array(at: number): [unknown[], PosNode] {
    const arr: unknown[] = [];
    const kids: PosKid[] = [];
    const node = new PosNode(at, this.l + 1, kids);
    this.c++;
    this.space();
    if (this.peek() === "]") {
      this.c++;
      return [arr, node];
    }
    for (;;) {
      this.space();
      const [v, kid] = this.value(this.l + 1);
      arr.push(v);
      kids.push(kid);
      if (!this.separator("]")) return [arr, node];
    }
  }

  private separator(close: string): boolean {
    this.space();
    const ch = this.peek();
    this.c++;
    if (ch === close) return false;
    if (ch !== ",") giveUp();
    return true;
  }

  /** A JSON string, which cannot span lines. */
  private string(): string {
    const s = this.lines[this.l]!;
    const start = this.c;
    let escaped = false;
    for (let i = start + 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20) giveUp();
      if (c === 0x5c) {
        escaped = true;
        i++;
        continue;
      }
      if (c === 0x22) {
        this.c = i + 1;
        if (!escaped) return s.slice(start + 1, i);
        try {
          return JSON.parse(s.slice(start, i + 1)) as string;
        } catch {
          return giveUp();
        }
      }
    }
    return giveUp();
  }
}

// YAML 1.2 core schema, in the order and with the tests yaml uses (its default schema).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value of a plain scalar. */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Letters other than n/N/t/T/f/F never start a non-string.
  const maybe = s.length === 0 || c === 0x7e || c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39) || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46;
  if (!maybe) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return c === 0x74 || c === 0x54;
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}
