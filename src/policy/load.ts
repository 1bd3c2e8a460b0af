// Reading and validating a policy file: YAML (or JSON) → unknown-key check with suggestions →
// JSON Schema (ajv, 2020-12) → checks a schema cannot express (globs, real dates, regular
// expressions, key files). Every problem is one line naming the file, the line and the key path.
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { Ajv2020, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { UserError } from "../errors.js";
import { compileGlob } from "./glob.js";
import { POLICY_SCHEMA } from "./schema.js";
import type { ImagePolicy } from "./types.js";

/** Policy files are small; anything larger is refused before parsing. */
export const MAX_POLICY_BYTES = 1 << 20;

type Path = (string | number)[];

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: false, strict: true, strictTypes: false, strictRequired: false }).compile(POLICY_SCHEMA as unknown as AnySchemaObject);
  return validator;
}

/** Reads and validates a policy file. Relative key paths are resolved against its directory. */
export function loadPolicy(file: string): ImagePolicy {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UserError("INPUT", `${file}: not a file`);
    if (st.size > MAX_POLICY_BYTES) throw new UserError("LIMIT", `${file}: policy file larger than ${MAX_POLICY_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? "NOT_FOUND" : "INPUT", `${file}: cannot read the policy file (${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)})`);
  }
  return parsePolicy(text, { source: file, baseDir: dirname(resolve(file)) });
}

/**
 * Validates a policy given as text. `source` names it in errors; `baseDir` resolves relative key
 * paths (default: the current directory).
 */
export function parsePolicy(text: string, opts: { source?: string; baseDir?: string } = {}): ImagePolicy {
  const source = opts.source ?? "policy";
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw new UserError("LIMIT", `${source}: policy larger than ${MAX_POLICY_BYTES} bytes`);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    throw new UserError("INPUT", `${source}:${line}: not valid YAML: ${err.message.split("\n")[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UserError("INPUT", `${source}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const fail = (path: Path, message: string): never => {
    throw new UserError("INPUT", `${source}${lineOf(doc, lc, path)}: ${path.length ? `${formatPath(path)}: ` : ""}${message}`);
  };
  if (value === null || value === undefined) fail([], "the policy is empty");
  if (typeof value !== "object" || Array.isArray(value)) fail([], "a policy is a mapping with apiVersion, kind and rules");

  unknownKeys(value, POLICY_SCHEMA as unknown as SchemaNode, [], fail);
  const check = validate();
  if (!check(value)) {
    // Alternatives report their branches' errors first: say the alternative itself.
    const first = check.errors![0]!;
    const err = check.errors!.find((e) => (e.keyword === "anyOf" || e.keyword === "oneOf") && e.instancePath === first.instancePath) ?? first;
    fail(instancePath(err), schemaMessage(err, value));
  }

  const policy = value as ImagePolicy;
  const rules = policy.rules;
  rules.allowedRegistries?.forEach((p, i) => {
    const g = compileGlob(p);
    if (typeof g === "string") fail(["rules", "allowedRegistries", i], `bad glob "${p}": ${g}`);
  });
  rules.exceptions?.forEach((x, i) => {
    const g = compileGlob(x.image);
    if (typeof g === "string") fail(["rules", "exceptions", i, "image"], `bad glob "${x.image}": ${g}`);
    if (!realDate(x.until)) fail(["rules", "exceptions", i, "until"], `"${x.until}" is not a calendar date (YYYY-MM-DD)`);
  });
  rules.requireSignature?.identities?.forEach((id, i) => {
    if (id.subjectRegExp === undefined) return;
    try {
      new RegExp(id.subjectRegExp);
    } catch (e) {
      fail(["rules", "requireSignature", "identities", i, "subjectRegExp"], `not a regular expression: ${(e as Error).message}`);
    }
  });
  const baseDir = opts.baseDir ?? process.cwd();
  if (rules.requireSignature?.keys) {
    rules.requireSignature.keys = rules.requireSignature.keys.map((k, i) => {
      const abs = isAbsolute(k) ? k : resolve(baseDir, k);
      let ok = false;
      try {
        ok = statSync(abs).isFile();
      } catch {
        ok = false;
      }
      if (!ok) fail(["rules", "requireSignature", "keys", i], `key file ${abs} not found`);
      return abs;
    });
  }
  if (opts.source !== undefined) policy.source = opts.source;
  return policy;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  items?: SchemaNode;
}

/** Unknown keys anywhere the schema closes an object, with the nearest known key as a hint. */
function unknownKeys(value: unknown, schema: SchemaNode, path: Path, fail: (path: Path, message: string) => never): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => unknownKeys(v, schema.items!, [...path, i], fail));
    return;
  }
  if (!schema.properties) return;
  const known = Object.keys(schema.properties);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = schema.properties[key];
    if (sub) {
      unknownKeys(v, sub, [...path, key], fail);
      continue;
    }
    if (schema.additionalProperties !== false) continue;
    const hint = suggest(key, known);
    fail([...path, key], `unknown key${hint ? ` (did you mean ${hint}?)` : ` (known: ${known.join(", ")})`}`);
  }
}

function suggest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function instancePath(err: ErrorObject): Path {
  return err.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** ajv's message, rewritten where its wording would puzzle a policy author. */
function schemaMessage(err: ErrorObject, value: unknown): string {
  const path = instancePath(err);
  const here = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
  const shown = JSON.stringify(here) ?? String(here);
  const last = path[path.length - 1];
  switch (err.keyword) {
    case "required":
      return `missing required key ${(err.params as { missingProperty: string }).missingProperty}`;
    case "const":
      return `must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}, got ${shown}`;
    case "enum":
      return `${shown} is not one of ${((err.params as { allowedValues: unknown[] }).allowedValues).join(", ")}`;
    case "type":
      return `must be ${(err.params as { type: string }).type === "integer" ? "an integer" : `a ${(err.params as { type: string }).type === "object" ? "mapping" : (err.params as { type: string }).type === "array" ? "list" : (err.params as { type: string }).type}`}, got ${shown}`;
    case "oneOf":
      return "give exactly one of subject or subjectRegExp";
    case "anyOf":
      return `unknown attestation type ${shown} (use slsaprovenance, slsaprovenance02, slsaprovenance1, link, spdx, spdxjson, cyclonedx, vuln, openvex, custom, or a predicate type URI)`;
    case "minProperties":
      return last === "requireSignature" ? "give keys or identities" : last === "rules" ? "the policy sets no rule (an empty policy would pass every image)" : "must not be empty";
    case "minItems":
      return "must not be an empty list";
    case "uniqueItems":
      return "lists an item twice";
    case "pattern":
      return last === "until" ? `${shown} is not a YYYY-MM-DD date` : `${shown} ${err.message ?? "is invalid"}`;
    default:
      return `${err.message ?? "is invalid"}${here !== undefined ? `, got ${shown}` : ""}`;
  }
}

function realDate(s: string): boolean {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** ":LINE" of the key or item at `path`, when the document still has it. */
function lineOf(doc: Document, lc: LineCounter, path: Path): string {
  for (let n = path.length; n > 0; n--) {
    const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
    const key = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      const node = (pair?.key ?? pair?.value) as { range?: [number, number, number] } | undefined;
      if (node?.range) return `:${lc.linePos(node.range[0]).line}`;
    } else if (isSeq(parent) && typeof key === "number") {
      const node = parent.items[key] as { range?: [number, number, number] } | undefined;
      if (node?.range) return `:${lc.linePos(node.range[0]).line}`;
    }
  }
  return "";
}
