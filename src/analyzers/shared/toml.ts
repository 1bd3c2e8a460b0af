// A small TOML 1.0 reader for lockfiles (poetry.lock, uv.lock, Cargo.lock, …): tables,
// arrays of tables, dotted keys, all string forms, numbers, booleans, arrays, inline tables.
// Dates and times are kept as their text. Tables are null-prototype objects, so keys such as
// "__proto__" are plain data. Nesting is capped, and every loop advances, so hostile input
// ends in an Error naming the line rather than a hang.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

const MAX_DEPTH = 100;

export function parseToml(text: string): TomlTable {
  return new Reader(text).document();
}

const newTable = (): TomlTable => Object.create(null) as TomlTable;
const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v);
const BARE_KEY = /[A-Za-z0-9_-]/;

class Reader {
  private i = 0;
  private line = 1;
  constructor(private readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  document(): TomlTable {
    const root = newTable();
    let current = root;
    for (;;) {
      this.skipBlank(true);
      if (this.i >= this.s.length) return root;
      if (this.s[this.i] === "[") {
        const array = this.s[this.i + 1] === "[";
        this.i += array ? 2 : 1;
        this.skipSpace();
        const keys = this.key();
        this.skipSpace();
        if (!this.s.startsWith(array ? "]]" : "]", this.i)) this.fail(`expected ${array ? "]]" : "]"} after table name`);
        this.i += array ? 2 : 1;
        current = array ? this.openArrayTable(root, keys) : this.openTable(root, keys);
      } else {
        const keys = this.key();
        this.skipSpace();
        if (this.s[this.i] !== "=") this.fail("expected = after key");
        this.i++;
        this.skipSpace();
        this.assign(current, keys, this.value(0));
      }
      this.endOfLine();
    }
  }

  private openTable(root: TomlTable, keys: string[]): TomlTable {
    let t = root;
    for (const k of keys) t = this.descend(t, k);
    return t;
  }

  private openArrayTable(root: TomlTable, keys: string[]): TomlTable {
    let t = root;
    for (const k of keys.slice(0, -1)) t = this.descend(t, k);
    const last = keys[keys.length - 1]!;
    const existing = t[last];
    const fresh = newTable();
    if (existing === undefined) t[last] = [fresh];
    else if (Array.isArray(existing)) existing.push(fresh);
    else this.fail(`${last} is not an array of tables`);
    return fresh;
  }

  /** Step into key k of t, creating a table; an array of tables means its last element. */
  private descend(t: TomlTable, k: string): TomlTable {
    const v = t[k];
    if (v === undefined) return (t[k] = newTable());
    if (Array.isArray(v)) {
      const last = v[v.length - 1];
      if (isTable(last)) return last;
    } else if (isTable(v)) return v;
    return this.fail(`${k} is not a table`);
  }

  private assign(t: TomlTable, keys: string[], value: TomlValue): void {
    for (const k of keys.slice(0, -1)) t = this.descend(t, k);
    const last = keys[keys.length - 1]!;
    if (t[last] !== undefined) this.fail(`duplicate key ${last}`);
    t[last] = value;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      const c = this.s[this.i];
      if (c === '"') parts.push(this.basicString());
      else if (c === "'") parts.push(this.literalString());
      else {
        const start = this.i;
        while (this.i < this.s.length && BARE_KEY.test(this.s[this.i]!)) this.i++;
        if (this.i === start) this.fail("expected a key");
        parts.push(this.s.slice(start, this.i));
      }
      this.skipSpace();
      if (this.s[this.i] !== ".") return parts;
      this.i++;
      this.skipSpace();
    }
  }

  private value(depth: number): TomlValue {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const c = this.s[this.i];
    if (c === undefined) this.fail("expected a value, found end of file");
    if (c === '"') return this.s.startsWith('"""', this.i) ? this.multilineBasic() : this.basicString();
    if (c === "'") return this.s.startsWith("'''", this.i) ? this.multilineLiteral() : this.literalString();
    if (c === "[") return this.array(depth);
    if (c === "{") return this.inlineTable(depth);
    if (this.s.startsWith("true", this.i) && !BARE_KEY.test(this.s[this.i + 4] ?? "")) return (this.i += 4), true;
    if (this.s.startsWith("false", this.i) && !BARE_KEY.test(this.s[this.i + 5] ?? "")) return (this.i += 5), false;
    return this.scalar();
  }

  /** Numbers and date-times: read the token, then decide. */
  private scalar(): TomlValue {
    const m = /^[0-9A-Za-z_+\-.:]+(?:[ T][0-9][0-9:.]*(?:Z|[+-][0-9:]+)?)?/.exec(this.s.slice(this.i, this.i + 80));
    if (!m) this.fail("expected a value");
    const tok = m[0];
    this.i += tok.length;
    if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(tok)) return tok; // date / time: keep the text
    const t = tok.replace(/_/g, "");
    if (/^[+-]?(inf|nan)$/.test(t)) return t.endsWith("inf") ? (t.startsWith("-") ? -Infinity : Infinity) : NaN;
    if (/^0x[0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
    if (/^0o[0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
    if (/^0b[01]+$/.test(t)) return parseInt(t.slice(2), 2);
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
    return this.fail(`invalid value ${JSON.stringify(tok.slice(0, 20))}`);
  }

  private array(depth: number): TomlValue[] {
    this.i++; // [
    const out: TomlValue[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.s[this.i] === "]") return this.i++, out;
      out.push(this.value(depth + 1));
      this.skipBlank(true);
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "]") this.fail("expected , or ] in array");
    }
  }

  private inlineTable(depth: number): TomlTable {
    this.i++; // {
    const t = newTable();
    this.skipBlank(true); // newlines inside are TOML 1.1; accepting them costs nothing
    if (this.s[this.i] === "}") return this.i++, t;
    for (;;) {
      this.skipBlank(true);
      const keys = this.key();
      this.skipSpace();
      if (this.s[this.i] !== "=") this.fail("expected = in inline table");
      this.i++;
      this.skipSpace();
      this.assign(t, keys, this.value(depth + 1));
      this.skipBlank(true);
      const c = this.s[this.i];
      this.i++;
      if (c === "}") return t;
      if (c !== ",") this.fail("expected , or } in inline table");
      this.skipBlank(true);
      if (this.s[this.i] === "}") return this.i++, t; // trailing comma (TOML 1.1)
    }
  }

  private basicString(): string {
    this.i++; // "
    let out = "";
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c === "\n") this.fail("unterminated string");
      this.i++;
      if (c === '"') return out;
      out += c === "\\" ? this.escape() : c;
    }
  }

  private multilineBasic(): string {
    this.i += 3;
    if (this.s[this.i] === "\r" && this.s[this.i + 1] === "\n") this.i += 2;
    else if (this.s[this.i] === "\n") this.i++;
    let out = "";
    for (;;) {
      if (this.i >= this.s.length) this.fail("unterminated multi-line string");
      if (this.s.startsWith('"""', this.i)) {
        // Up to two quotes may sit right before the closing delimiter.
        let n = 3;
        while (n < 5 && this.s[this.i + n] === '"') n++;
        out += '"'.repeat(n - 3);
        this.i += n;
        return out;
      }
      const c = this.s[this.i++]!;
      if (c === "\n") this.line++;
      if (c !== "\\") {
        out += c;
        continue;
      }
      // A backslash ending a line swallows the newline and the whitespace after it.
      const rest = /^[ \t]*\r?\n/.exec(this.s.slice(this.i, this.i + 200));
      if (rest) {
        while (this.i < this.s.length && /[ \t\r\n]/.test(this.s[this.i]!)) {
          if (this.s[this.i] === "\n") this.line++;
          this.i++;
        }
      } else out += this.escape();
    }
  }

  private escape(): string {
    const c = this.s[this.i++];
    switch (c) {
      case "b": return "\b";
      case "t": return "\t";
      case "n": return "\n";
      case "f": return "\f";
      case "r": return "\r";
      case "e": return "\x1b";
      case '"': return '"';
      case "\\": return "\\";
      case "u":
      case "U": {
        const len = c === "u" ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail("bad unicode escape");
        this.i += len;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail("bad unicode escape");
        return String.fromCodePoint(cp);
      }
      default:
        return this.fail(`bad escape \\${c ?? ""}`);
    }
  }

  private literalString(): string {
    const end = this.s.indexOf("'", this.i + 1);
    const out = end === -1 ? "" : this.s.slice(this.i + 1, end);
    // Only the string's own span is searched for a newline: linear over many strings.
    if (end === -1 || out.includes("\n")) this.fail("unterminated string");
    this.i = end + 1;
    return out;
  }

  private multilineLiteral(): string {
    let start = this.i + 3;
    if (this.s[start] === "\r" && this.s[start + 1] === "\n") start += 2;
    else if (this.s[start] === "\n") start++;
    let end = this.s.indexOf("'''", start);
    if (end === -1) this.fail("unterminated multi-line string");
    // Up to two quotes may sit right before the closing delimiter.
    for (let n = 0; n < 2 && this.s[end + 3] === "'"; n++) end++;
    const out = this.s.slice(start, end);
    this.line += out.split("\n").length - 1;
    this.i = end + 3;
    return out;
  }

  /** Spaces and tabs only. */
  private skipSpace(): void {
    while (this.s[this.i] === " " || this.s[this.i] === "\t") this.i++;
  }

  /** Whitespace and comments, across lines when `lines`. */
  private skipBlank(lines: boolean): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === " " || c === "\t" || (lines && c === "\r")) this.i++;
      else if (lines && c === "\n") {
        this.i++;
        this.line++;
      }
      else if (c === "#") {
        const nl = this.s.indexOf("\n", this.i);
        this.i = nl === -1 ? this.s.length : nl;
      } else return;
    }
  }

  private endOfLine(): void {
    this.skipBlank(false);
    if (this.s[this.i] === "\r") this.i++;
    if (this.i < this.s.length && this.s[this.i] !== "\n") this.fail("expected end of line");
  }

  private fail(msg: string): never {
    throw new Error(`TOML line ${this.line}: ${msg}`);
  }
}
