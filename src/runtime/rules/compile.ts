// Turns a parsed condition into a predicate over events: macros and lists expanded, fields
// checked against what the event source supplies, values converted once.
import { BlockList, isIP } from "node:net";
import type { EventSourceName, RuntimeEvent } from "../event.js";
import type { FieldRef, Node, SourcePos, Value } from "./condition.js";
import { fieldDef, splitDottedArg, type FieldContext, type FieldType, type FieldValue } from "./fields.js";

export type Predicate = (ev: RuntimeEvent, ctx: FieldContext) => boolean;

/** A reason the rule cannot run on this source (it is kept, disabled, with this text). */
export class Unsupported extends Error {
  constructor(
    message: string,
    readonly pos?: SourcePos,
  ) {
    super(message);
    this.name = "Unsupported";
  }
}

export interface CompileEnv {
  source: EventSourceName;
  /** Parsed macro conditions by name (parse errors reported elsewhere: those names map to Error). */
  macro(name: string): Node | Error | undefined;
  /** List items (as written) by name. */
  list(name: string): string[] | undefined;
}

export type EventTypes = Set<string> | "all";

type Scalar = string | number | boolean;

const unquote = (s: string): string => {
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) return s.slice(1, -1);
  return s;
};

/** Expands list names in a list's values (recursively: lists may name lists). */
function expandValues(values: Value[], env: CompileEnv, seen = new Set<string>()): Value[] {
  const out: Value[] = [];
  for (const v of values) {
    if (v.kind === "str" && !v.quoted) {
      const items = env.list(v.value);
      if (items && !seen.has(v.value)) {
        const inner = new Set(seen).add(v.value);
        out.push(...expandValues(items.map((it) => listItem(it, v.pos)), env, inner));
        continue;
      }
    }
    out.push(v);
  }
  return out;
}

/** A list item as Falco pastes it into a condition: `'"(systemd)"'` is the string (systemd). */
function listItem(item: string, pos: SourcePos): Value {
  const quoted = item.length >= 2 && (item[0] === '"' || item[0] === "'") && item.endsWith(item[0]);
  return { kind: "str", value: quoted ? unquote(item) : item, quoted, pos };
}

/** Replaces macro references by their (expanded) conditions. */
export function expandMacros(node: Node, env: CompileEnv, stack: string[] = []): Node {
  switch (node.kind) {
    case "and":
    case "or":
      return { kind: node.kind, items: node.items.map((n) => expandMacros(n, env, stack)) };
    case "not":
      return { kind: "not", item: expandMacros(node.item, env, stack) };
    case "check":
      return node;
    case "macro": {
      if (stack.includes(node.name)) throw new Unsupported(`macro ${node.name} refers to itself (${[...stack, node.name].join(" -> ")})`, node.pos);
      const m = env.macro(node.name);
      if (m === undefined) throw new Unsupported(`undefined macro ${node.name} (at ${node.pos.file}:${node.pos.line}:${node.pos.col})`, node.pos);
      if (m instanceof Error) throw new Unsupported(`macro ${node.name} does not parse: ${m.message}`, node.pos);
      return expandMacros(m, env, [...stack, node.name]);
    }
  }
}

/** The event types a condition can match ("all" when it does not pin evt.type down). */
export function eventTypes(node: Node): EventTypes {
  switch (node.kind) {
    case "check": {
      if (node.lhs.field !== "evt.type" || node.lhs.transformers.length) return "all";
      const vals = node.values.filter((v): v is Extract<Value, { kind: "str" }> => v.kind === "str").map((v) => v.value);
      if (node.op === "=" || node.op === "==" || node.op === "in") return new Set(vals);
      return "all";
    }
    case "and": {
      let acc = "all" as EventTypes;
      for (const it of node.items) {
        const t = eventTypes(it);
        if (t === "all") continue;
        const ts: Set<string> = t;
        acc = acc === "all" ? new Set(ts) : new Set([...acc].filter((x) => ts.has(x)));
      }
      return acc;
    }
    case "or": {
      const acc = new Set<string>();
      for (const it of node.items) {
        const t = eventTypes(it);
        if (t === "all") return "all";
        for (const x of t) acc.add(x);
      }
      return acc;
    }
    case "not":
    case "macro":
      return "all";
  }
}

/**
 * False when a condition cannot be true for an open that failed (result, and so fd.num, below 0):
 * a conjunct such as `fd.num>=0` (Falco's open_read/open_write macros), `fd.num>N` (N >= -1),
 * `evt.rawres>=0`, `evt.res=SUCCESS` or `evt.failed=false`. True ("may match") otherwise; `not`
 * and unknown checks count as may match. Used to drop failed opens in the kernel when no rule
 * can match one.
 */
export function mayMatchFailedOpen(node: Node): boolean {
  switch (node.kind) {
    case "and":
      return node.items.every(mayMatchFailedOpen);
    case "or":
      return node.items.some(mayMatchFailedOpen);
    case "not":
    case "macro":
      return true;
    case "check": {
      const f = node.lhs.field;
      if (node.lhs.transformers.length || node.lhs.arg !== undefined) return true;
      const strs = node.values.filter((v): v is Extract<Value, { kind: "str" }> => v.kind === "str").map((v) => v.value);
      if (strs.length !== node.values.length || !strs.length) return true;
      const eq = node.op === "=" || node.op === "==" || node.op === "in";
      if (f === "evt.failed") return !(eq && strs.every((v) => v.toLowerCase() === "false"));
      if (f === "evt.res") return !(eq && strs.every((v) => v === "SUCCESS"));
      if (f !== "fd.num" && f !== "evt.rawres") return true;
      const nums = strs.map(Number);
      if (nums.some((n) => !Number.isFinite(n))) return true;
      // Every failed result is a negative number.
      if (eq) return nums.some((n) => n < 0);
      if (node.op === ">=") return nums[0]! < 0;
      if (node.op === ">") return nums[0]! < -1;
      return true;
    }
  }
}

function transform(name: string, v: FieldValue): FieldValue {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out = v.map((x) => transform(name, x)).filter((x): x is Scalar => x !== undefined && !Array.isArray(x));
    return out;
  }
  const s = String(v);
  switch (name) {
    case "tolower":
      return s.toLowerCase();
    case "toupper":
      return s.toUpperCase();
    case "b64":
      return Buffer.from(s, "base64").toString("utf8");
    case "basename":
      return s.slice(s.lastIndexOf("/") + 1);
    case "len":
      return s.length;
    default:
      return v;
  }
}

/** A field reference turned into a getter, with the type of what it yields. */
function getter(ref: FieldRef, env: CompileEnv): { get: (ev: RuntimeEvent, ctx: FieldContext) => FieldValue; type: FieldType } {
  const { field, arg } = splitDottedArg(ref.field, ref.arg);
  const def = fieldDef(field, env.source);
  if (!def) throw new Unsupported(`field ${ref.field} is not supplied by the ${env.source} event source`, ref.pos);
  if (def.arg === "required" && arg === undefined) throw new Unsupported(`field ${ref.field} needs an argument (${ref.field}[...])`, ref.pos);
  if (def.arg === undefined && arg !== undefined) throw new Unsupported(`field ${ref.field} takes no argument`, ref.pos);
  const base = def.get;
  let type = def.type;
  let get = (ev: RuntimeEvent, ctx: FieldContext): FieldValue => base(ev, ctx, arg);
  for (const t of [...ref.transformers].reverse()) {
    const inner = get;
    get = (ev, ctx) => transform(t, inner(ev, ctx));
    type = t === "len" ? "number" : type === "number" || type === "bool" ? type : "string";
  }
  return { get, type };
}

function globToRegExp(glob: string, flags: string): RegExp {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        let cls = glob.slice(i + 1, close);
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(re + "$", flags + "s");
}

function hexBytes(s: string, pos: SourcePos): Buffer {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Unsupported(`"${s}" is not a hex byte string`, pos);
  return Buffer.from(s, "hex");
}

const ipFamily = (s: string): "ipv4" | "ipv6" | undefined => (isIP(s) === 4 ? "ipv4" : isIP(s) === 6 ? "ipv6" : undefined);

/** Builds the scalar test for one operator and its constant operands. */
function scalarTest(op: string, type: FieldType, values: string[], pos: SourcePos, field: string): (v: Scalar) => boolean {
  const one = values[0] ?? "";
  const asNumber = (s: string): number => {
    const n = Number(s);
    if (s.trim() === "" || !Number.isFinite(n)) throw new Unsupported(`"${s}" is not a number (field ${field})`, pos);
    return n;
  };
  if (type === "net" && (op === "=" || op === "==" || op === "!=" || op === "in")) {
    const bl = new BlockList();
    for (const v of values) {
      const [addr, bits] = v.split("/");
      const fam = ipFamily(addr ?? "");
      if (!fam) throw new Unsupported(`"${v}" is not an IP network (field ${field})`, pos);
      if (bits === undefined) bl.addAddress(addr!, fam);
      else bl.addSubnet(addr!, Number(bits), fam);
    }
    const inNet = (v: Scalar): boolean => {
      const fam = ipFamily(String(v));
      return fam !== undefined && bl.check(String(v), fam);
    };
    return op === "!=" ? (v) => !inNet(v) : inNet;
  }
  switch (op) {
    case "=":
    case "==":
    case "!=": {
      let eq: (v: Scalar) => boolean;
      if (type === "number") {
        const n = asNumber(one);
        eq = (v) => Number(v) === n;
      } else if (type === "bool") {
        const b = one.toLowerCase() === "true";
        eq = (v) => v === b || String(v) === String(b);
      } else eq = (v) => String(v) === one;
      return op === "!=" ? (v) => !eq(v) : eq;
    }
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const n = asNumber(one);
      if (op === "<") return (v) => Number(v) < n;
      if (op === "<=") return (v) => Number(v) <= n;
      if (op === ">") return (v) => Number(v) > n;
      return (v) => Number(v) >= n;
    }
    case "contains":
      return (v) => String(v).includes(one);
    case "icontains": {
      const l = one.toLowerCase();
      return (v) => String(v).toLowerCase().includes(l);
    }
    case "bcontains": {
      const b = hexBytes(one, pos);
      return (v) => Buffer.from(String(v)).includes(b);
    }
    case "startswith":
      return (v) => String(v).startsWith(one);
    case "bstartswith": {
      const b = hexBytes(one, pos);
      return (v) => Buffer.from(String(v)).subarray(0, b.length).equals(b);
    }
    case "endswith":
      return (v) => String(v).endsWith(one);
    case "glob": {
      const re = globToRegExp(one, "");
      return (v) => re.test(String(v));
    }
    case "iglob": {
      const re = globToRegExp(one, "i");
      return (v) => re.test(String(v));
    }
    case "regex": {
      let re: RegExp;
      try {
        // Falco (RE2) matches the whole value.
        re = new RegExp(`^(?:${one})$`, "s");
      } catch (e) {
        throw new Unsupported(`invalid regular expression "${one}": ${(e as Error).message}`, pos);
      }
      return (v) => re.test(String(v));
    }
    case "in":
    case "intersects": {
      if (type === "number") {
        const set = new Set(values.map(asNumber));
        return (v) => set.has(Number(v));
      }
      if (type === "bool") {
        const set = new Set(values.map((s) => s.toLowerCase()));
        return (v) => set.has(String(v));
      }
      const set = new Set(values);
      return (v) => set.has(String(v));
    }
    case "pmatch": {
      const prefixes = values.map((p) => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p));
      return (v) => {
        const s = String(v);
        return prefixes.some((p) => s === p || (s.startsWith(p) && (p.endsWith("/") || s[p.length] === "/")));
      };
    }
  }
  throw new Unsupported(`operator ${op} is not supported`, pos);
}

/** Compiles an expanded condition. Throws Unsupported. */
export function compile(node: Node, env: CompileEnv): Predicate {
  switch (node.kind) {
    case "and": {
      const ps = node.items.map((n) => compile(n, env));
      if (ps.length === 2) {
        const [a, b] = ps as [Predicate, Predicate];
        return (ev, ctx) => a(ev, ctx) && b(ev, ctx);
      }
      return (ev, ctx) => {
        for (const p of ps) if (!p(ev, ctx)) return false;
        return true;
      };
    }
    case "or": {
      const ps = node.items.map((n) => compile(n, env));
      return (ev, ctx) => {
        for (const p of ps) if (p(ev, ctx)) return true;
        return false;
      };
    }
    case "not": {
      const p = compile(node.item, env);
      return (ev, ctx) => !p(ev, ctx);
    }
    case "macro":
      return compile(expandMacros(node, env), env);
    case "check":
      return compileCheck(node, env);
  }
}

function compileCheck(node: Extract<Node, { kind: "check" }>, env: CompileEnv): Predicate {
  const { get, type } = getter(node.lhs, env);
  const field = node.lhs.field;
  if (node.op === "exists") {
    return (ev, ctx) => {
      const v = get(ev, ctx);
      return v !== undefined && !(Array.isArray(v) && v.length === 0);
    };
  }
  const values = node.op === "in" || node.op === "intersects" || node.op === "pmatch" ? expandValues(node.values, env) : node.values;
  const dynamic = values.find((v) => v.kind === "field");
  let test: (v: Scalar, ev: RuntimeEvent, ctx: FieldContext) => boolean;
  if (dynamic) {
    // val(field): compare with another field of the same event, at evaluation time.
    if (values.length !== 1 || dynamic.kind !== "field") throw new Unsupported(`val() is supported as a single operand only`, dynamic.pos);
    const other = getter(dynamic.ref, env);
    const op = node.op;
    test = (v, ev, ctx) => {
      const o = other.get(ev, ctx);
      if (o === undefined || Array.isArray(o)) return false;
      return scalarTest(op, type, [String(o)], node.pos, field)(v);
    };
  } else {
    const strs = values.map((v) => (v.kind === "str" ? v.value : ""));
    const t = scalarTest(node.op, type, strs, node.pos, field);
    test = (v) => t(v);
  }
  return (ev, ctx) => {
    const v = get(ev, ctx);
    if (v === undefined) return false;
    if (Array.isArray(v)) {
      for (const x of v) if (test(x, ev, ctx)) return true;
      return false;
    }
    return test(v, ev, ctx);
  };
}
