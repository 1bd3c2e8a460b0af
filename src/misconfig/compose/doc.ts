// A Compose file as rules see it: each service's plain object plus line lookups into the YAML.
import { LineCounter, parseDocument } from "yaml";
import type { Rule, RuleHit } from "../types.js";
import type { Obj } from "../kubernetes/resource.js";
import { isObj } from "../kubernetes/resource.js";
import { lineAt, nodeAt } from "../yaml/positions.js";
import type { PathStep } from "../yaml/positions.js";

export type { Obj } from "../kubernetes/resource.js";
export { isObj, str, strings } from "../kubernetes/resource.js";

export interface Service {
  name: string;
  obj: Obj;
  /** Line of the service's key under `services:`. */
  line: number | undefined;
}

export interface ComposeDoc {
  services: Service[];
  /** Line of a field of a service (key line), falling back to the service line. */
  lineOf(service: Service, path: PathStep[]): number | undefined;
}

export type ComposeRule = Rule<ComposeDoc>;

export class ComposeParseError extends Error {}

const MAX_BYTES = 16 * 1024 * 1024;

export function parseCompose(text: string): ComposeDoc {
  if (text.length > MAX_BYTES) throw new ComposeParseError(`file too large to scan (${text.length} bytes)`);
  const lc = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    throw new ComposeParseError(`cannot parse YAML: ${(e as Error).message}`);
  }
  if (doc.errors.length > 0) throw new ComposeParseError(`invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ComposeParseError(`cannot read YAML: ${(e as Error).message}`);
  }
  const root = isObj(value) ? value : {};
  const services: Service[] = [];
  for (const [name, obj] of Object.entries(isObj(root.services) ? root.services : {})) {
    if (!isObj(obj)) continue;
    services.push({ name, obj, line: lineAt(doc.contents, ["services", name], lc) });
  }
  return {
    services,
    lineOf: (s, path) => lineAt(nodeAt(doc.contents, ["services", s.name]), path, lc) ?? s.line,
  };
}

export function hit(service: Service, line: number | undefined, message: string): RuleHit {
  return { message, line, resource: { kind: "service", name: service.name } };
}

/** Runs `fn` per service and flattens the hits. */
export function eachService(doc: ComposeDoc, fn: (s: Service) => RuleHit | RuleHit[] | undefined): RuleHit[] {
  const out: RuleHit[] = [];
  for (const s of doc.services) {
    const r = fn(s);
    if (Array.isArray(r)) out.push(...r);
    else if (r) out.push(r);
  }
  return out;
}

/** A compose file with one service for rule examples. */
export function composeYaml(lines: string[], image = "registry.example.com/app:1.4.2"): string {
  return ["services:", "  web:", `    image: ${image}`, ...lines.map((l) => `    ${l}`)].join("\n");
}
