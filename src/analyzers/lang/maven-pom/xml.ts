// A small XML reader for POMs: elements and their text only (attributes are skipped), with
// comments, CDATA, processing instructions and a DOCTYPE (skipped whole: declared entities are
// never expanded, so no entity bombs). Only the five predefined entities and numeric character
// references are decoded. Depth and element counts are bounded.

export interface XmlElement {
  /** Local name (a namespace prefix is dropped). */
  name: string;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

const MAX_DEPTH = 200;
const MAX_ELEMENTS = 500_000;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, e: string) => {
    if (e[0] !== "#") return PREDEFINED[e]!;
    const code = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Parses `text`; throws an Error naming the problem on malformed input. */
export function parseXml(text: string): XmlElement {
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  let count = 0;
  let i = 0;
  const until = (marker: string, from: number, what: string): number => {
    const j = text.indexOf(marker, from);
    if (j === -1) throw new Error(`unterminated ${what}`);
    return j;
  };
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const end = lt === -1 ? text.length : lt;
    if (end > i && stack.length) stack.at(-1)!.text += decodeEntities(text.slice(i, end));
    if (lt === -1) break;
    if (text.startsWith("<!--", lt)) i = until("-->", lt + 4, "comment") + 3;
    else if (text.startsWith("<![CDATA[", lt)) {
      const j = until("]]>", lt + 9, "CDATA section");
      if (stack.length) stack.at(-1)!.text += text.slice(lt + 9, j);
      i = j + 3;
    } else if (text.startsWith("<?", lt)) i = until("?>", lt + 2, "processing instruction") + 2;
    else if (text.startsWith("<!", lt)) i = skipDeclaration(text, lt);
    else if (text.startsWith("</", lt)) {
      const j = until(">", lt + 2, "end tag");
      const name = localName(text.slice(lt + 2, j).trim());
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`end tag </${name}> does not match <${open?.name ?? "nothing"}>`);
      i = j + 1;
    } else {
      const { name, selfClosing, next } = readStartTag(text, lt);
      if (stack.length === 0 && root) throw new Error("more than one root element");
      if (stack.length >= MAX_DEPTH) throw new Error(`elements nested deeper than ${MAX_DEPTH}`);
      if (++count > MAX_ELEMENTS) throw new Error(`more than ${MAX_ELEMENTS} elements`);
      const el: XmlElement = { name, children: [], text: "" };
      if (stack.length) stack.at(-1)!.children.push(el);
      else root = el;
      if (!selfClosing) stack.push(el);
      i = next;
    }
  }
  if (!root) throw new Error("no root element");
  if (stack.length) throw new Error(`unexpected end of document inside <${stack.at(-1)!.name}>`);
  return root;
}

const localName = (qname: string): string => qname.slice(qname.indexOf(":") + 1);

function readStartTag(text: string, lt: number): { name: string; selfClosing: boolean; next: number } {
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 256));
  if (!m) throw new Error(`malformed tag at offset ${lt}`);
  let quote = "";
  for (let i = lt + m[0].length; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return { name: localName(m[1]!), selfClosing: text[i - 1] === "/", next: i + 1 };
    else if (c === "<") break;
  }
  throw new Error(`unterminated tag <${m[1]}>`);
}

/** Skips `<!DOCTYPE …>` including an internal subset in brackets. */
function skipDeclaration(text: string, lt: number): number {
  let depth = 0;
  let quote = "";
  for (let i = lt + 2; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === ">" && depth <= 0) return i + 1;
  }
  throw new Error("unterminated declaration");
}

export const childOf = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);
export const childrenOf = (el: XmlElement | undefined, name: string): XmlElement[] => el?.children.filter((c) => c.name === name) ?? [];
export const textOf = (el: XmlElement | undefined, name: string): string => childOf(el, name)?.text.trim() ?? "";
