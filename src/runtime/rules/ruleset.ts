// Falco rule files: the YAML structure (lists, macros, rules, exceptions, append/override,
// enabled, engine and plugin requirements), loaded into a rule set that runs on our events.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from "yaml";
import type { EventSourceName, RuntimeEvent } from "../event.js";
import { ConditionError, parseCondition, sourceFromScalar, type Node, type SourcePos, type TextSource, type Value } from "./condition.js";
import { compile, eventTypes, expandMacros, mayMatchFailedOpen, Unsupported, type CompileEnv, type EventTypes, type Predicate } from "./compile.js";
import { fieldDef, splitDottedArg, type FieldContext, type FieldValue } from "./fields.js";

/** The Falco engine version this implementation speaks (for required_engine_version). */
export const ENGINE_VERSION = "0.50.0";
/** Plugins whose fields and event source Bulwark supplies itself. */
export const PROVIDED_PLUGINS: Record<string, string> = { k8saudit: "0.11.0", json: "0.7.3" };

export const PRIORITIES = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface RuleError {
  file: string;
  line: number;
  col: number;
  message: string;
}

interface ListDef {
  name: string;
  items: string[];
  pos: SourcePos;
}
interface MacroDef {
  name: string;
  pieces: TextSource[];
  pos: SourcePos;
  source?: string;
}
interface ExceptionDef {
  name: string;
  fields: string[] | string;
  comps: string[] | string | undefined;
  values: unknown[];
  pos: SourcePos;
}
interface RuleDef {
  name: string;
  desc: string;
  pieces: TextSource[];
  output: string;
  priority: Priority;
  source: string;
  tags: string[];
  enabled: boolean;
  exceptions: ExceptionDef[];
  pos: SourcePos;
}

export interface CompiledRule {
  name: string;
  desc: string;
  priority: Priority;
  source: string;
  tags: string[];
  enabled: boolean;
  /** Why a rule is not running (disabled in its file, or not runnable on our sources). */
  reason?: string;
  /** Event types the rule can match ("all" when not pinned). */
  eventTypes: EventTypes;
  file: string;
  line: number;
  output: string;
  match?: Predicate;
  /** Fields the condition reads (after macros and exceptions). */
  fields?: Set<string>;
  /** False when the rule cannot match an open that failed (see mayMatchFailedOpen). */
  failedOpens?: boolean;
}

/** The fields a condition names (left-hand sides and val() operands). */
function conditionFields(n: Node, out = new Set<string>()): Set<string> {
  if (n.kind === "and" || n.kind === "or") for (const i of n.items) conditionFields(i, out);
  else if (n.kind === "not") conditionFields(n.item, out);
  else if (n.kind === "check") {
    out.add(n.lhs.field);
    for (const v of n.values) if (v.kind === "field") out.add(v.ref.field);
  }
  return out;
}

export interface LoadedRules {
  rules: CompiledRule[];
  macros: string[];
  lists: string[];
  errors: RuleError[];
  warnings: RuleError[];
}

export interface SourceCapabilities {
  /** Event types each of our sources produces (a rule pinned to none of them is disabled). */
  eventTypes: Record<EventSourceName, string[]>;
}

export const DEFAULT_CAPABILITIES: SourceCapabilities = {
  eventTypes: {
    syscall: ["execve", "open", "openat", "connect", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid"],
    k8s_audit: ["k8s_audit"],
  },
};

const priorityOf = (s: string): Priority | undefined => {
  const l = s.toLowerCase();
  if (l === "info") return "Informational";
  if (l === "warn") return "Warning";
  return PRIORITIES.find((p) => p.toLowerCase() === l);
};

/** Falco's versions: a number N meant 0.N.0 before semver. */
function semver(v: unknown): [number, number, number] | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return [0, v, 0];
  if (typeof v !== "string") return undefined;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  if (!m) return undefined;
  if (m[2] === undefined) return [0, Number(m[1]), 0];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}
const cmpVer = (a: [number, number, number], b: [number, number, number]): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Loads rule files in order (later files append to and override earlier ones, as in Falco). */
export class RuleLoader {
  private readonly lists = new Map<string, ListDef>();
  private readonly macros = new Map<string, MacroDef>();
  private readonly rules = new Map<string, RuleDef>();
  readonly errors: RuleError[] = [];
  readonly warnings: RuleError[] = [];

  constructor(private readonly caps: SourceCapabilities = DEFAULT_CAPABILITIES) {}

  /** Adds one file's text. Errors are collected (never thrown). */
  add(file: string, text: string): void {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: false });
    const lineOf = (off: number) => lc.linePos(off);
    const posAt = (n: YamlNode | Pair | null | undefined): SourcePos => {
      const r = n && "range" in n && n.range ? n.range[0] : n && "key" in n && (n.key as YamlNode | null)?.range ? (n.key as YamlNode).range![0] : 0;
      const p = lineOf(r);
      return { file, line: p.line, col: p.col };
    };
    const err = (pos: SourcePos, message: string): void => void this.errors.push({ ...pos, message });
    const warn = (pos: SourcePos, message: string): void => void this.warnings.push({ ...pos, message });
    for (const e of doc.errors) {
      const p = lineOf(e.pos[0]);
      err({ file, line: p.line, col: p.col }, e.message.split("\n")[0]!);
    }
    if (doc.errors.length) return;
    const top = doc.contents;
    if (top === null || (isScalar(top) && (top.value === null || top.value === ""))) return; // empty file
    if (!isSeq(top)) {
      err(posAt(top as YamlNode), "a rules file is a YAML sequence of list, macro and rule items");
      return;
    }
    const scalarSource = (n: unknown, fallbackPos: SourcePos): TextSource => {
      if (isScalar(n) && n.range) {
        const raw = text.slice(n.range[0], n.range[1]);
        return sourceFromScalar(String(n.value ?? ""), file, raw, n.range[0], lineOf);
      }
      return { text: String((n as { toJSON?: () => unknown })?.toJSON?.() ?? ""), locate: () => fallbackPos };
    };
    for (const item of top.items) {
      // A bare "-" (an empty item) is in Falco's own k8s_audit_rules.yaml, which Falco loads: skip it.
      if (item === null || (isScalar(item) && (item.value === null || item.value === ""))) {
        warn(item ? posAt(item as YamlNode) : { file, line: 0, col: 0 }, "empty item: ignored");
        continue;
      }
      if (!isMap(item)) {
        err(posAt(item as YamlNode), "each item of a rules file is a map (list, macro or rule)");
        continue;
      }
      const pos = posAt(item);
      const get = (k: string): unknown => (item as YAMLMap).get(k, true);
      const js = (k: string): unknown => {
        const n = get(k);
        return n && typeof n === "object" && "toJSON" in n ? (n as { toJSON(): unknown }).toJSON() : n;
      };
      const keys = (item as YAMLMap).items.map((p) => String(isScalar(p.key) ? p.key.value : p.key));
      try {
        if (keys.includes("required_engine_version")) {
          const want = semver(js("required_engine_version"));
          if (!want) err(pos, `required_engine_version is not a version: ${JSON.stringify(js("required_engine_version"))}`);
          else if (cmpVer(want, semver(ENGINE_VERSION)!) > 0) warn(pos, `this file asks for Falco engine ${want.join(".")}; Bulwark's engine speaks ${ENGINE_VERSION}`);
          continue;
        }
        if (keys.includes("required_plugin_versions")) {
          const list = js("required_plugin_versions");
          if (!Array.isArray(list)) err(pos, "required_plugin_versions must be a sequence of {name, version}");
          else
            for (const p of list as Array<{ name?: string; version?: string; alternatives?: Array<{ name?: string }> }>) {
              const names = [p?.name, ...(p?.alternatives ?? []).map((a) => a?.name)].filter((n): n is string => typeof n === "string");
              if (!names.some((n) => n in PROVIDED_PLUGINS)) warn(pos, `plugin ${p?.name ?? "?"} ${p?.version ?? ""} is not available: rules of its event source will be disabled`);
            }
          continue;
        }
        const override = js("override") as Record<string, string> | undefined;
        const append = js("append") === true;
        if (override !== undefined && (override === null || typeof override !== "object")) {
          err(pos, "override must be a map of key: append|replace");
          continue;
        }
        for (const [k, v] of Object.entries(override ?? {})) if (v !== "append" && v !== "replace") err(pos, `override.${k} must be append or replace, not ${JSON.stringify(v)}`);
        const ovAppend = (k: string): boolean => append || override?.[k] === "append";
        const ovAny = (k: string): boolean => append || override?.[k] !== undefined;

        if (keys.includes("list")) {
          const name = String(js("list"));
          const items = js("items");
          if (!Array.isArray(items)) {
            err(pos, `list ${name}: items must be a sequence`);
            continue;
          }
          const strs = items.map((x) => String(x));
          const prev = this.lists.get(name);
          if (ovAny("items")) {
            if (!prev) {
              err(pos, `list ${name} has append/override but no list of that name was defined before`);
              continue;
            }
            prev.items = ovAppend("items") ? [...prev.items, ...strs] : strs;
          } else this.lists.set(name, { name, items: strs, pos });
          continue;
        }
        if (keys.includes("macro")) {
          const name = String(js("macro"));
          const cond = get("condition");
          if (cond === undefined) {
            err(pos, `macro ${name}: missing condition`);
            continue;
          }
          const piece = scalarSource(cond, pos);
          const prev = this.macros.get(name);
          if (ovAny("condition")) {
            if (!prev) {
              err(pos, `macro ${name} has append/override but no macro of that name was defined before`);
              continue;
            }
            prev.pieces = ovAppend("condition") ? [...prev.pieces, piece] : [piece];
          } else {
            const def: MacroDef = { name, pieces: [piece], pos };
            const src = js("source");
            if (typeof src === "string") def.source = src;
            this.macros.set(name, def);
          }
          continue;
        }
        if (keys.includes("rule")) {
          this.addRule(String(js("rule")), item as YAMLMap, keys, pos, js, get, scalarSource, err, warn, override, append);
          continue;
        }
        warn(pos, `unknown item (keys: ${keys.join(", ")}): ignored`);
      } catch (e) {
        err(pos, (e as Error).message);
      }
    }
  }

  private addRule(
    name: string,
    _item: YAMLMap,
    keys: string[],
    pos: SourcePos,
    js: (k: string) => unknown,
    get: (k: string) => unknown,
    scalarSource: (n: unknown, p: SourcePos) => TextSource,
    err: (p: SourcePos, m: string) => void,
    warn: (p: SourcePos, m: string) => void,
    override: Record<string, string> | undefined,
    append: boolean,
  ): void {
    const prev = this.rules.get(name);
    const exceptions = (): ExceptionDef[] => {
      const ex = js("exceptions");
      if (ex === undefined || ex === null) return [];
      if (!Array.isArray(ex)) throw new Error(`rule ${name}: exceptions must be a sequence`);
      return ex.map((e: Record<string, unknown>) => {
        if (!e || typeof e !== "object" || typeof e["name"] !== "string") throw new Error(`rule ${name}: each exception needs a name`);
        return { name: e["name"] as string, fields: (e["fields"] as string[] | string) ?? [], comps: e["comps"] as string[] | string | undefined, values: (e["values"] as unknown[]) ?? [], pos };
      });
    };
    const enabledVal = js("enabled");
    if (enabledVal !== undefined && typeof enabledVal !== "boolean") err(pos, `rule ${name}: enabled must be true or false`);
    const isPatch = append || override !== undefined || (prev !== undefined && !keys.includes("condition") && keys.every((k) => k === "rule" || k === "enabled"));
    if (isPatch) {
      if (!prev) {
        if (!append && override === undefined && keys.every((k) => k === "rule" || k === "enabled")) err(pos, `rule ${name}: enabled given for a rule that was not defined before`);
        else err(pos, `rule ${name} has append/override but no rule of that name was defined before`);
        return;
      }
      const mode = (k: string): "append" | "replace" | undefined => (append ? (k === "condition" || k === "exceptions" || k === "output" || k === "desc" || k === "tags" ? "append" : undefined) : (override?.[k] as "append" | "replace" | undefined));
      for (const k of keys) {
        if (k === "rule" || k === "append" || k === "override") continue;
        const m = k === "enabled" ? "replace" : mode(k);
        if (m === undefined) {
          if (override) err(pos, `rule ${name}: ${k} is given without an override mode for it`);
          continue;
        }
        switch (k) {
          case "condition": {
            const piece = scalarSource(get("condition"), pos);
            prev.pieces = m === "append" ? [...prev.pieces, piece] : [piece];
            break;
          }
          case "exceptions": {
            const ex = exceptions();
            if (m === "replace") prev.exceptions = ex;
            else
              for (const e of ex) {
                const same = prev.exceptions.find((p) => p.name === e.name);
                if (same && Array.isArray(same.values)) same.values = [...same.values, ...e.values];
                else prev.exceptions.push(e);
              }
            break;
          }
          case "output":
            prev.output = m === "append" ? `${prev.output} ${String(js("output"))}` : String(js("output"));
            break;
          case "desc":
            prev.desc = m === "append" ? `${prev.desc} ${String(js("desc"))}` : String(js("desc"));
            break;
          case "tags": {
            const t = (js("tags") as unknown[]) ?? [];
            prev.tags = m === "append" ? [...prev.tags, ...t.map(String)] : t.map(String);
            break;
          }
          case "priority": {
            const p = priorityOf(String(js("priority")));
            if (!p) err(pos, `rule ${name}: unknown priority ${String(js("priority"))}`);
            else prev.priority = p;
            break;
          }
          case "enabled":
            if (typeof enabledVal === "boolean") prev.enabled = enabledVal;
            break;
          default:
            warn(pos, `rule ${name}: ${k} cannot be overridden: ignored`);
        }
      }
      return;
    }
    const missing = ["condition", "output", "desc", "priority"].filter((k) => !keys.includes(k));
    if (missing.length) {
      err(pos, `rule ${name}: missing ${missing.join(", ")}`);
      return;
    }
    const priority = priorityOf(String(js("priority")));
    if (!priority) {
      err(pos, `rule ${name}: unknown priority ${String(js("priority"))}`);
      return;
    }
    const tags = js("tags");
    const def: RuleDef = {
      name,
      desc: String(js("desc") ?? ""),
      pieces: [scalarSource(get("condition"), pos)],
      output: String(js("output") ?? "").trim(),
      priority,
      source: typeof js("source") === "string" ? (js("source") as string) : "syscall",
      tags: Array.isArray(tags) ? tags.map(String) : [],
      enabled: enabledVal !== false,
      exceptions: exceptions(),
      pos,
    };
    for (const k of keys) if (!["rule", "desc", "condition", "output", "priority", "source", "tags", "enabled", "exceptions", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration"].includes(k)) warn(pos, `rule ${name}: unknown key ${k}`);
    this.rules.set(name, def);
  }

  /** Parses and compiles everything added: the rule set to run, and the report of what runs. */
  finish(): LoadedRules {
    const macroCache = new Map<string, Node | Error>();
    const reportedMacro = new Set<string>();
    const macroNode = (name: string): Node | Error | undefined => {
      const def = this.macros.get(name);
      if (!def) return undefined;
      let n = macroCache.get(name);
      if (!n) {
        try {
          n = parseCondition(def.pieces);
        } catch (e) {
          n = e as Error;
          if (!reportedMacro.has(name) && e instanceof ConditionError) {
            reportedMacro.add(name);
            this.errors.push({ ...e.pos, message: `macro ${name}: ${e.message.replace(/^[^ ]+: /, "")}` });
          }
        }
        macroCache.set(name, n);
      }
      return n;
    };
    // Parse every macro once so syntax errors are reported even when no rule uses the macro.
    for (const name of this.macros.keys()) macroNode(name);

    const rules: CompiledRule[] = [];
    for (const def of this.rules.values()) {
      const out: CompiledRule = {
        name: def.name,
        desc: def.desc,
        priority: def.priority,
        source: def.source,
        tags: def.tags,
        enabled: def.enabled,
        eventTypes: "all",
        file: def.pos.file,
        line: def.pos.line,
        output: def.output,
      };
      if (!def.enabled) out.reason = "disabled in the rules file (enabled: false)";
      let tree: Node;
      try {
        tree = parseCondition(def.pieces);
      } catch (e) {
        if (e instanceof ConditionError) {
          this.errors.push({ ...e.pos, message: `rule ${def.name}: ${e.message.replace(/^[^ ]+: /, "")}` });
          out.enabled = false;
          out.reason = `condition does not parse: ${e.message}`;
          rules.push(out);
          continue;
        }
        throw e;
      }
      const source: EventSourceName | undefined = def.source === "syscall" ? "syscall" : def.source === "k8s_audit" ? "k8s_audit" : undefined;
      if (!source) {
        out.enabled = false;
        out.reason = `event source ${def.source} is not supported (Bulwark reads syscall and k8s_audit events)`;
        rules.push(out);
        continue;
      }
      const env: CompileEnv = { source, macro: macroNode, list: (n: string) => this.lists.get(n)?.items };
      try {
        let expanded = expandMacros(tree, env);
        const ex = exceptionsNode(def, env.list);
        if (ex) expanded = { kind: "and", items: [expanded, { kind: "not", item: ex }] };
        out.eventTypes = eventTypes(expanded);
        out.fields = conditionFields(expanded);
        out.failedOpens = mayMatchFailedOpen(expanded);
        const match = compile(expanded, env);
        const produced = this.caps.eventTypes[source];
        if (out.eventTypes !== "all" && ![...out.eventTypes].some((t) => produced.includes(t))) {
          throw new Unsupported(`event types ${[...out.eventTypes].sort().join(", ") || "(none)"} are not produced by the ${source} sources (they produce ${produced.join(", ")})`);
        }
        if (def.enabled) out.match = match;
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        if (e.message.startsWith("undefined macro") || e.message.includes("does not parse")) this.warnings.push({ ...(e.pos ?? def.pos), message: `rule ${def.name}: ${e.message}` });
        out.enabled = false;
        out.reason = def.enabled ? e.message : `${out.reason}; also: ${e.message}`;
      }
      rules.push(out);
    }
    return { rules, macros: [...this.macros.keys()], lists: [...this.lists.keys()], errors: this.errors, warnings: this.warnings };
  }
}

/** Exceptions as a condition: (f1 c1 v1 and f2 c2 v2) or ... for every values tuple. */
function exceptionsNode(def: RuleDef, list: (n: string) => string[] | undefined): Node | undefined {
  const alts: Node[] = [];
  for (const ex of def.exceptions) {
    const pos = ex.pos;
    const str = (s: unknown): Value => ({ kind: "str", value: String(s), quoted: false, pos });
    const check = (field: string, comp: string, value: unknown): Node => {
      const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\[([^\]]*)\])?$/.exec(field);
      if (!m) throw new Unsupported(`exception ${ex.name}: "${field}" is not a field name`, pos);
      const lhs = { field: m[1]!, transformers: [] as string[], pos, ...(m[2] !== undefined ? { arg: m[2] } : {}) };
      const isList = comp === "in" || comp === "intersects" || comp === "pmatch";
      const values: Value[] = isList ? (Array.isArray(value) ? value.map(str) : [str(value)]) : [str(value)];
      if (!isList && typeof value === "string" && list(value) === undefined) values[0] = { kind: "str", value, quoted: true, pos };
      return { kind: "check", lhs, op: comp as Extract<Node, { kind: "check" }>["op"], values, pos };
    };
    if (typeof ex.fields === "string") {
      const comp = typeof ex.comps === "string" ? ex.comps : "in";
      if (!Array.isArray(ex.values) || ex.values.length === 0) continue;
      alts.push(check(ex.fields, comp, ex.values.flat()));
      continue;
    }
    const fields = ex.fields;
    const comps = Array.isArray(ex.comps) ? ex.comps : fields.map(() => (typeof ex.comps === "string" ? ex.comps : "="));
    if (comps.length !== fields.length) throw new Unsupported(`exception ${ex.name}: fields and comps differ in length`, pos);
    for (const tuple of ex.values) {
      if (!Array.isArray(tuple) || tuple.length !== fields.length) throw new Unsupported(`exception ${ex.name}: each value must list one item per field`, pos);
      const items = fields.map((f, i) => check(f, comps[i]!, tuple[i]));
      alts.push(items.length === 1 ? items[0]! : { kind: "and", items });
    }
  }
  if (alts.length === 0) return undefined;
  return alts.length === 1 ? alts[0]! : { kind: "or", items: alts };
}

/** Renders a rule's output: %field and %field[arg] substituted, <NA> for what is unknown. */
type OutputPart = string | { name: string; get: ((ev: RuntimeEvent, ctx: FieldContext) => FieldValue) | undefined };
const outputCache = new Map<string, OutputPart[]>();

/** An output template split once into text and field getters (cached per template and source). */
function compileOutput(output: string, source: string): OutputPart[] {
  const key = `${source}\0${output}`;
  const hit = outputCache.get(key);
  if (hit) return hit;
  const parts: OutputPart[] = [];
  const field = (name: string): OutputPart => {
    const m = /^([^[]+)(?:\[(.*)\])?$/.exec(name)!;
    const { field: f, arg } = splitDottedArg(m[1]!, m[2]);
    const def = fieldDef(f, source as RuntimeEvent["source"]);
    return { name, get: def ? (ev, ctx) => def.get(ev, ctx, arg) : undefined };
  };
  const re = /%\(([A-Za-z_][^)\s]*)\)|%([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*(?:\[[^\]\s]*\])?)/g;
  let at = 0;
  for (let m = re.exec(output); m; m = re.exec(output)) {
    if (m.index > at) parts.push(output.slice(at, m.index));
    const name = (m[1] ?? m[2])!;
    if (name === "container.info") parts.push("container_id=", field("container.id"), " container_name=", field("container.name"));
    else parts.push(field(name));
    at = m.index + m[0].length;
  }
  if (at < output.length) parts.push(output.slice(at));
  if (outputCache.size >= 4096) outputCache.clear();
  outputCache.set(key, parts);
  return parts;
}

export function renderOutput(output: string, ev: RuntimeEvent, ctx: FieldContext): { text: string; fields: Record<string, FieldValue | null> } {
  const fields: Record<string, FieldValue | null> = {};
  let text = "";
  for (const p of compileOutput(output, ev.source)) {
    if (typeof p === "string") {
      text += p;
      continue;
    }
    let v: FieldValue;
    try {
      v = p.get ? p.get(ev, ctx) : undefined;
    } catch {
      v = undefined;
    }
    fields[p.name] = v === undefined ? null : v;
    text += v === undefined ? "<NA>" : Array.isArray(v) ? `(${v.join(",")})` : String(v);
  }
  return { text, fields };
}
