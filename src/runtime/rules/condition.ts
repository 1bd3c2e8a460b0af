// Falco's condition language: a hand-written lexer and recursive-descent parser with positions.
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | primary
//   primary := "(" expr ")" | IDENT (a macro) | check
//   check   := lhs UNARY_OP | lhs BINARY_OP value | lhs LIST_OP list
//   lhs     := FIELD | TRANSFORMER "(" lhs ")"
//   value   := STRING | BARE | "val(" FIELD ")" | TRANSFORMER "(" ... ")"
//   list    := "(" [item ("," item)*] ")" | IDENT (a list name)
//
// A condition can be built from several pieces (a rule and its `append`s, possibly from other
// files): each piece keeps its own source, so an error names the file, line and column where the
// offending text was written.

/** Where a piece of condition text came from: maps an offset in the text to file:line:col. */
export interface TextSource {
  text: string;
  locate(offset: number): SourcePos;
}

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export const UNARY_OPS = ["exists"] as const;
export const BINARY_OPS = ["=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "regex"] as const;
export const LIST_OPS = ["in", "intersects", "pmatch"] as const;
export const TRANSFORMERS = ["tolower", "toupper", "b64", "basename", "len", "evt.time.s"] as const;

export type Operator = (typeof UNARY_OPS)[number] | (typeof BINARY_OPS)[number] | (typeof LIST_OPS)[number];

/** The left side of a check: a field (with optional [argument]) under zero or more transformers. */
export interface FieldRef {
  field: string;
  arg?: string;
  transformers: string[];
  pos: SourcePos;
}

export type Value =
  | { kind: "str"; value: string; quoted: boolean; pos: SourcePos }
  | { kind: "field"; ref: FieldRef; pos: SourcePos };

export type Node =
  | { kind: "and"; items: Node[] }
  | { kind: "or"; items: Node[] }
  | { kind: "not"; item: Node }
  | { kind: "macro"; name: string; pos: SourcePos }
  | { kind: "check"; lhs: FieldRef; op: Operator; values: Value[]; listName?: string; pos: SourcePos };

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly pos: SourcePos,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${message}`);
    this.name = "ConditionError";
  }
}

type TokKind = "(" | ")" | "," | "op" | "word" | "str" | "eof";
interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  quoted?: boolean;
}

const SYMBOL_OPS = ["==", "!=", "<=", ">=", "=", "<", ">"];
/** Characters that end a bare word (Falco's bare strings stop at these too). */
const BARE_STOP = new Set([" ", "\t", "\n", "\r", "\f", "\v", "(", ")", ",", "=", "<", ">", "!", '"', "'"]);
const WORD_OPS = new Set<string>(["exists", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch"]);

/** Joins pieces into one text; positions are mapped back to the piece an offset falls in. */
class Joined {
  readonly text: string;
  private readonly starts: number[] = [];
  constructor(private readonly pieces: TextSource[]) {
    let text = "";
    for (const p of pieces) {
      if (text) text += " ";
      this.starts.push(text.length);
      text += p.text;
    }
    this.text = text;
  }
  pos(offset: number): SourcePos {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i]! > offset) i--;
    const piece = this.pieces[i]!;
    return piece.locate(Math.max(0, Math.min(offset - this.starts[i]!, piece.text.length)));
  }
}

function lex(j: Joined): Tok[] {
  const s = j.text;
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      toks.push({ kind: c, text: c, start: i });
      i++;
      continue;
    }
    const sym = SYMBOL_OPS.find((o) => s.startsWith(o, i));
    if (sym) {
      toks.push({ kind: "op", text: sym, start: i });
      i += sym.length;
      continue;
    }
    if (c === '"' || c === "'") {
      // Falco strings: backslash escapes the quote and itself; other escapes are kept as written.
      let out = "";
      let k = i + 1;
      for (;;) {
        if (k >= s.length) throw new ConditionError(`unterminated string`, j.pos(i));
        const ch = s[k]!;
        if (ch === "\\" && k + 1 < s.length) {
          const nx = s[k + 1]!;
          if (nx === c || nx === "\\") {
            out += nx;
            k += 2;
            continue;
          }
          out += ch;
          k++;
          continue;
        }
        if (ch === c) break;
        out += ch;
        k++;
      }
      toks.push({ kind: "str", text: out, start: i, quoted: true });
      i = k + 1;
      continue;
    }
    if (c === "!") throw new ConditionError(`unexpected "!" (use "not" or "!=")`, j.pos(i));
    let k = i;
    // A word: a bare string, a field (with a bracketed argument, which may hold any character
    // but "]"), an operator or a keyword.
    while (k < s.length && !BARE_STOP.has(s[k]!)) {
      if (s[k] === "[") {
        const close = s.indexOf("]", k);
        if (close < 0) throw new ConditionError(`unterminated "[" in field argument`, j.pos(k));
        k = close + 1;
        continue;
      }
      k++;
    }
    toks.push({ kind: "word", text: s.slice(i, k), start: i });
    i = k;
  }
  // The end is reported at the last character written, not past it (which may be the next item).
  toks.push({ kind: "eof", text: "", start: Math.max(0, s.trimEnd().length - 1) });
  return toks;
}

const FIELD_RE = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)(?:\[([^\]]*)\])?$/;

/** Parses a condition made of one or more pieces of text. Throws ConditionError. */
export function parseCondition(pieces: TextSource[]): Node {
  const j = new Joined(pieces);
  const toks = lex(j);
  let p = 0;
  const peek = (): Tok => toks[p]!;
  const next = (): Tok => toks[p++]!;
  const posOf = (t: Tok): SourcePos => j.pos(t.start);
  const fail = (t: Tok, msg: string): never => {
    throw new ConditionError(msg, posOf(t));
  };
  const isKw = (t: Tok, kw: string): boolean => t.kind === "word" && t.text === kw;

  const parseOr = (): Node => {
    const items = [parseAnd()];
    while (isKw(peek(), "or")) {
      next();
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const parseAnd = (): Node => {
    const items = [parseNot()];
    while (isKw(peek(), "and")) {
      next();
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const parseNot = (): Node => {
    if (isKw(peek(), "not")) {
      next();
      return { kind: "not", item: parseNot() };
    }
    return parsePrimary();
  };

  const fieldRef = (t: Tok): FieldRef => {
    const m = FIELD_RE.exec(t.text);
    if (!m) fail(t, `"${t.text}" is not a field name`);
    const ref: FieldRef = { field: m![1]!, transformers: [], pos: posOf(t) };
    if (m![2] !== undefined) ref.arg = m![2];
    return ref;
  };

  /** A field, possibly wrapped in transformers: tolower(fd.name). */
  const parseLhs = (): FieldRef => {
    const t = next();
    if (t.kind !== "word") fail(t, t.kind === "eof" ? "unexpected end of condition: expected a field" : `expected a field, found "${t.text}"`);
    if ((TRANSFORMERS as readonly string[]).includes(t.text) && peek().kind === "(") {
      next();
      const inner = parseLhs();
      const close = next();
      if (close.kind !== ")") fail(close, `expected ")" after the argument of ${t.text}()`);
      return { ...inner, transformers: [t.text, ...inner.transformers], pos: posOf(t) };
    }
    return fieldRef(t);
  };

  const parseValue = (): Value => {
    const t = next();
    if (t.kind === "str") return { kind: "str", value: t.text, quoted: true, pos: posOf(t) };
    // evt.dir=< and evt.dir=>: a lone < or > where a value is due is the value.
    if (t.kind === "op" && (t.text === "<" || t.text === ">")) return { kind: "str", value: t.text, quoted: false, pos: posOf(t) };
    if (t.kind !== "word") fail(t, t.kind === "eof" ? "unexpected end of condition: expected a value" : `expected a value, found "${t.text}"`);
    if (peek().kind === "(" && (t.text === "val" || (TRANSFORMERS as readonly string[]).includes(t.text))) {
      // val(field) compares with another field of the same event; a transformer applies to it.
      next();
      const inner = parseLhs();
      const close = next();
      if (close.kind !== ")") fail(close, `expected ")" after the argument of ${t.text}()`);
      const ref = t.text === "val" ? inner : { ...inner, transformers: [t.text, ...inner.transformers] };
      return { kind: "field", ref, pos: posOf(t) };
    }
    return { kind: "str", value: t.text, quoted: false, pos: posOf(t) };
  };

  const parseList = (): { values: Value[]; listName?: string } => {
    const open = peek();
    if (open.kind === "word" && !WORD_OPS.has(open.text)) {
      // `in list_name` without parentheses (older Falco files use it rarely).
      next();
      return { values: [{ kind: "str", value: open.text, quoted: false, pos: posOf(open) }], listName: open.text };
    }
    if (open.kind !== "(") fail(open, `expected "(" to open a list`);
    next();
    const values: Value[] = [];
    if (peek().kind === ")") {
      next();
      return { values };
    }
    for (;;) {
      values.push(parseValue());
      const t = next();
      if (t.kind === ")") break;
      if (t.kind !== ",") fail(t, t.kind === "eof" ? `unexpected end of condition: list not closed` : `expected "," or ")" in list, found "${t.text}"`);
    }
    return { values };
  };

  const parsePrimary = (): Node => {
    const t = peek();
    if (t.kind === "(") {
      next();
      const e = parseOr();
      const close = next();
      if (close.kind !== ")") fail(close, close.kind === "eof" ? `unexpected end of condition: missing ")"` : `expected ")", found "${close.text}"`);
      return e;
    }
    if (t.kind !== "word") fail(t, t.kind === "eof" ? "unexpected end of condition" : `unexpected "${t.text}"`);
    if (t.text === "and" || t.text === "or") fail(t, `unexpected "${t.text}"`);
    // A word followed by an operator is a check; a lone word is a macro.
    const after = toks[p + 1]!;
    const isTransformer = (TRANSFORMERS as readonly string[]).includes(t.text) && after.kind === "(";
    const startsCheck = isTransformer || after.kind === "op" || (after.kind === "word" && WORD_OPS.has(after.text));
    if (!startsCheck) {
      next();
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.text)) fail(t, `"${t.text}" is neither a macro name nor the start of a field check`);
      return { kind: "macro", name: t.text, pos: posOf(t) };
    }
    const lhs = parseLhs();
    const opTok = next();
    if (opTok.kind !== "op" && !(opTok.kind === "word" && WORD_OPS.has(opTok.text))) fail(opTok, `expected an operator after ${lhs.field}, found "${opTok.text}"`);
    const op = opTok.text as Operator;
    if (op === "exists") return { kind: "check", lhs, op, values: [], pos: lhs.pos };
    if ((LIST_OPS as readonly string[]).includes(op)) {
      const l = parseList();
      const node: Node = { kind: "check", lhs, op, values: l.values, pos: lhs.pos };
      if (l.listName) node.listName = l.listName;
      return node;
    }
    return { kind: "check", lhs, op, values: [parseValue()], pos: lhs.pos };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== "eof") fail(rest, `unexpected "${rest.text}" after a complete condition`);
  return tree;
}

/** A TextSource whose positions are found in the raw YAML text of a scalar (see locateInRaw). */
export function sourceFromScalar(text: string, file: string, raw: string, rawStart: number, lineOf: (offset: number) => { line: number; col: number }): TextSource {
  return {
    text,
    locate(offset: number): SourcePos {
      const at = locateInRaw(text, offset, raw);
      const lc = lineOf(rawStart + at);
      return { file, line: lc.line, col: lc.col };
    },
  };
}

/**
 * Maps an offset in a scalar's value to an offset in its raw source text. Folding and quoting
 * change only whitespace and escapes, so the value's non-space characters appear in the raw text
 * in the same order: walk both, matching them.
 */
export function locateInRaw(value: string, offset: number, raw: string): number {
  let r = 0;
  // Skip the indicator and the first line break of block scalars, and opening quotes.
  let v = 0;
  let last = 0;
  while (v < value.length && v <= offset) {
    const ch = value[v]!;
    if (/\s/.test(ch)) {
      v++;
      continue;
    }
    const found = raw.indexOf(ch, r);
    if (found < 0) return last;
    last = found;
    r = found + 1;
    if (v === offset) return found;
    v++;
  }
  // The offset fell on whitespace or past the end: point at the next raw non-space character.
  while (r < raw.length && /\s/.test(raw[r]!)) r++;
  return Math.min(r, raw.length);
}
