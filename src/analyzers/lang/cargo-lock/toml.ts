// A TOML reader for the shape of Cargo.lock only: `[[package]]` array tables of `key = value`
// pairs whose values are strings, numbers, booleans or (possibly multi-line) arrays of
// strings. Other tables ([metadata], [[patch.unused]], …) are read past and ignored.
// Anything else is reported per line rather than guessed at.

export type Value = string | number | boolean | Value[];
export type Table = Record<string, Value>;

const MAX_ARRAY = 100_000;
const TABLE_START = /^\s*\[\[?\s*[A-Za-z"]/;

export function readPackages(text: string): { packages: Table[]; errors: string[] } {
  const packages: Table[] = [];
  const errors: string[] = [];
  const err = (line: number, msg: string): void => {
    if (errors.length < 20) errors.push(`line ${line}: ${msg}`);
  };
  const lines = text.split("\n");
  let current: Table | undefined; // the [[package]] being filled, else undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      const header = /^(\[\[?)\s*([A-Za-z0-9_.\-" ]+?)\s*(\]\]?)\s*(#.*)?$/.exec(line);
      if (!header || header[1]!.length !== header[3]!.length) {
        err(i + 1, "bad table header");
        current = undefined;
        continue;
      }
      current = header[1] === "[[" && header[2] === "package" ? {} : undefined;
      if (current) packages.push(current);
      continue;
    }
    const eq = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*/.exec(line);
    if (!eq) {
      err(i + 1, "not a TOML key = value line");
      continue;
    }
    // A value may continue on following lines (multi-line arrays), but never past a table
    // header, so one broken array cannot swallow the packages after it.
    const start = i + 1;
    const more = (): string | undefined => (i + 1 < lines.length && !TABLE_START.test(lines[i + 1]!) ? lines[++i]! : undefined);
    const p = new ValueParser(line.slice(eq[0].length), more);
    try {
      const value = p.value();
      p.end();
      if (current) current[eq[1]!.replace(/^"|"$/g, "")] = value;
    } catch (e) {
      err(start, (e as Error).message);
    }
  }
  return { packages, errors };
}

class ValueParser {
  private pos = 0;
  constructor(
    private text: string,
    private more: () => string | undefined,
  ) {}

  private skip(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
      if (this.text[this.pos] === "#") this.pos = this.text.length;
      if (this.pos < this.text.length) return;
      const next = this.more();
      if (next === undefined) return;
      this.text = next;
      this.pos = 0;
    }
  }

  value(): Value {
    this.skip();
    const c = this.text[this.pos];
    if (c === '"') return this.basic();
    if (c === "'") return this.literal();
    if (c === "[") return this.array();
    const m = /^(true|false|[+-]?\d[\d_]*(\.\d+)?)(?=\s|,|]|#|$)/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`unsupported value ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
    this.pos += m[0].length;
    return m[1] === "true" ? true : m[1] === "false" ? false : Number(m[1]!.replaceAll("_", ""));
  }

  /** Only whitespace or a comment may follow a value on its last line. */
  end(): void {
    const rest = this.text.slice(this.pos).trim();
    if (rest && !rest.startsWith("#")) throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 20))} after value`);
  }

  private basic(): string {
    let out = "";
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i]!;
      if (c === '"') {
        this.pos = i + 1;
        return out;
      }
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[++i];
      const simple: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        const hex = this.text.slice(i + 1, i + 1 + n);
        const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : NaN;
        if (!(cp <= 0x10ffff)) throw new Error("bad unicode escape");
        out += String.fromCodePoint(cp);
        i += n;
      } else throw new Error("bad escape in string");
    }
    throw new Error("unterminated string");
  }

  private literal(): string {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end === -1) throw new Error("unterminated string");
    const s = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  private array(): Value[] {
    this.pos++; // [
    const out: Value[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) throw new Error("unterminated array");
      if (this.text[this.pos] === "]") {
        this.pos++;
        return out;
      }
      // Nested arrays are not part of Cargo.lock; refusing them also bounds recursion.
      if (this.text[this.pos] === "[") throw new Error("nested arrays are not supported");
      if (out.length >= MAX_ARRAY) throw new Error("array too long");
      out.push(this.value());
      this.skip();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "]") throw new Error("expected , or ] in array");
    }
  }
}
