import { cdx } from "../common/cyclonedx-lib.js";

// A small parser for SPDX license expressions (SPDX 2.3 annex D). No parser package is
// installed, and the writers need more than yes/no: the canonical text, whether it is a single
// listed id, and which LicenseRefs it uses.
//
// Listed ids come from the SPDX list bundled with @cyclonedx/cyclonedx-library. That list holds
// license and exception ids together, so `WITH` only checks that the exception is listed.

type Node =
  | { kind: "license"; id: string; plus: boolean; exception?: string }
  | { kind: "ref"; ref: string; exception?: string }
  | { kind: "and" | "or"; left: Node; right: Node };

export interface SpdxExpression {
  /** Canonical text: listed ids in their official case, operators upper case, minimal parens. */
  text: string;
  /** One listed license id, nothing else. */
  single: boolean;
  /** The top-level operator, when there is one. */
  operator?: "AND" | "OR";
  /** LicenseRef-… / DocumentRef-…:LicenseRef-… ids used. */
  licenseRefs: string[];
}

// Limits against hostile package metadata: deep nesting would otherwise overflow the stack.
const MAX_LENGTH = 4096;
const MAX_DEPTH = 64;

const IDSTRING = "[A-Za-z0-9.-]+";
const LICENSE_REF = new RegExp(`^(?:DocumentRef-${IDSTRING}:)?LicenseRef-${IDSTRING}$`);
const OPERATORS = new Set(["AND", "OR", "WITH"]);

class Invalid extends Error {}

function tokenize(input: string): string[] {
  return input.replace(/[()]/g, " $& ").split(/\s+/).filter(Boolean);
}

/** Operators may be all upper or all lower case; anything else is a license id. */
function operatorOf(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const upper = token.toUpperCase();
  return OPERATORS.has(upper) && (token === upper || token === token.toLowerCase()) ? upper : undefined;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Node {
    const node = this.or(0);
    if (this.pos !== this.tokens.length) throw new Invalid();
    return node;
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private next(): string {
    const token = this.tokens[this.pos++];
    if (token === undefined) throw new Invalid();
    return token;
  }

  // Precedence, loosest first: OR, AND, WITH.
  private or(depth: number): Node {
    let left = this.and(depth);
    while (operatorOf(this.peek()) === "OR") {
      this.pos++;
      left = { kind: "or", left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): Node {
    let left = this.primary(depth);
    while (operatorOf(this.peek()) === "AND") {
      this.pos++;
      left = { kind: "and", left, right: this.primary(depth) };
    }
    return left;
  }

  private primary(depth: number): Node {
    const token = this.next();
    if (token === "(") {
      if (depth >= MAX_DEPTH) throw new Invalid();
      const inner = this.or(depth + 1);
      if (this.next() !== ")") throw new Invalid();
      return inner;
    }
    const node = simple(token);
    if (operatorOf(this.peek()) === "WITH") {
      this.pos++;
      const exception = cdx().SPDX.fixupSpdxId(this.next());
      if (exception === undefined) throw new Invalid();
      node.exception = exception;
    }
    return node;
  }
}

function simple(token: string): Extract<Node, { kind: "license" | "ref" }> {
  if (token === ")" || operatorOf(token) !== undefined) throw new Invalid();
  if (LICENSE_REF.test(token)) return { kind: "ref", ref: token };
  const listed = cdx().SPDX.fixupSpdxId(token);
  // "GPL-2.0+" is itself a (deprecated) listed id; otherwise "+" means "or later".
  if (listed !== undefined) return { kind: "license", id: listed, plus: false };
  if (token.endsWith("+")) {
    const stem = cdx().SPDX.fixupSpdxId(token.slice(0, -1));
    if (stem !== undefined) return { kind: "license", id: stem, plus: true };
  }
  throw new Invalid();
}

function render(node: Node, parent?: "and" | "or"): string {
  switch (node.kind) {
    case "license":
      return node.id + (node.plus ? "+" : "") + (node.exception ? ` WITH ${node.exception}` : "");
    case "ref":
      return node.ref + (node.exception ? ` WITH ${node.exception}` : "");
    default: {
      const text = `${render(node.left, node.kind)} ${node.kind.toUpperCase()} ${render(node.right, node.kind)}`;
      // Only OR inside AND needs parentheses; AND binds tighter.
      return node.kind === "or" && parent === "and" ? `(${text})` : text;
    }
  }
}

function refs(node: Node, out: Set<string>): Set<string> {
  if (node.kind === "ref") out.add(node.ref);
  else if (node.kind === "and" || node.kind === "or") {
    refs(node.left, out);
    refs(node.right, out);
  }
  return out;
}

// Licence texts repeat across packages (every Debian package says GPL-2+ or LGPL-2.1+): parsed
// once each. Results are frozen so a caller cannot change a shared one.
const parsed = new Map<string, SpdxExpression | undefined>();
const MAX_CACHED = 10_000;

/** The parsed expression, or undefined when the text is not a valid SPDX license expression. */
export function parseSpdxExpression(input: string): SpdxExpression | undefined {
  if (parsed.has(input)) return parsed.get(input);
  const result = parseUncached(input);
  if (parsed.size >= MAX_CACHED) parsed.clear();
  parsed.set(input, result === undefined ? undefined : Object.freeze(result));
  return parsed.get(input);
}

function parseUncached(input: string): SpdxExpression | undefined {
  if (input.length === 0 || input.length > MAX_LENGTH) return undefined;
  let node: Node;
  try {
    node = new Parser(tokenize(input)).parse();
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
  return {
    text: render(node),
    single: node.kind === "license" && !node.plus && node.exception === undefined,
    ...(node.kind === "and" || node.kind === "or" ? { operator: node.kind === "and" ? "AND" : "OR" } : {}),
    licenseRefs: [...refs(node, new Set())].sort(),
  };
}

/** Joins expressions with AND, bracketing top-level ORs. */
export function joinWithAnd(expressions: readonly SpdxExpression[]): string {
  if (expressions.length === 1) return (expressions[0] as SpdxExpression).text;
  return expressions.map((e) => (e.operator === "OR" ? `(${e.text})` : e.text)).join(" AND ");
}
