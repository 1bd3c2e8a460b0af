// `.bulwarkignore`: findings a team has reviewed and accepted, each with a reason and
// optionally an expiry date after which it is reported again.
//
//   - id: CVE-2023-4911          # or any alias (GHSA-…, DSA-…)
//     package: libc6             # optional: only this package name
//     purl: pkg:deb/debian/libc6 # optional: this purl, or purls under this prefix
//     reason: not reachable, no setuid binaries in the image
//     expires: 2025-06-30        # optional, YYYY-MM-DD, inclusive (UTC)
//
// The file is either that list or a map with the list under `ignore:`.
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { errorMessage, UserError } from "../errors.js";

export interface IgnoreRule {
  kind: "ignore";
  id: string;
  package?: string;
  purl?: string;
  reason: string;
  /** YYYY-MM-DD: the rule suppresses through the end of that day (UTC). */
  expires?: string;
  file?: string;
  line?: number;
}

const KEYS = new Set(["id", "package", "purl", "reason", "expires"]);

function validDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

/** Parses the text of an ignore file; `file` is used in messages and kept on each rule. */
export function parseIgnoreFile(text: string, file = ".bulwarkignore"): IgnoreRule[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const fail = (line: number, message: string): never => {
    throw new UserError("INPUT", `${file}:${line}: ${message}`);
  };
  const [syntax] = doc.errors;
  if (syntax) fail(lines.linePos(syntax.pos[0]).line, `invalid YAML: ${syntax.message.split("\n")[0]}`);

  // An empty file, or `ignore:` with nothing under it, ignores nothing.
  const empty = (node: Node | null) => node === null || (isScalar(node) && node.value === null);
  let list: Node | null = doc.contents;
  if (empty(list)) return [];
  if (isMap(list)) {
    const key = list.items.find((p) => isScalar(p.key) && p.key.value === "ignore");
    if (!key || list.items.length !== 1) fail(lineOf(list), "expected a list of rules, or a map with only an `ignore:` list");
    list = (key?.value as Node | null) ?? null;
    if (empty(list)) return [];
  }
  if (!isSeq(list)) return fail(lineOf(list), "expected a list of rules");

  const rules: IgnoreRule[] = [];
  for (const item of list.items as (Node | null)[]) {
    const line = lineOf(item);
    if (!isMap(item)) fail(line, "each rule must be a map with at least `id` and `reason`");
    const fields: Record<string, string> = {};
    for (const pair of (item as { items: { key: unknown; value: unknown }[] }).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const keyLine = lineOf(pair.key as Node);
      if (!KEYS.has(key)) fail(keyLine, `unknown field "${key}" (expected id, package, purl, reason, expires)`);
      const value = pair.value as Node | null;
      if (!isScalar(value) || typeof value.value !== "string" || value.value.trim() === "") {
        fail(lineOf(value) || keyLine, `"${key}" must be a non-empty string`);
      }
      fields[key] = String((value as { value: string }).value).trim();
    }
    if (!fields.id) fail(line, "rule without `id`");
    if (!fields.reason) fail(line, `rule for ${fields.id} has no \`reason\``);
    if (fields.expires !== undefined && !validDate(fields.expires)) {
      fail(line, `rule for ${fields.id}: expires "${fields.expires}" is not a YYYY-MM-DD date`);
    }
    rules.push({
      kind: "ignore",
      id: fields.id as string,
      ...(fields.package ? { package: fields.package } : {}),
      ...(fields.purl ? { purl: fields.purl } : {}),
      reason: fields.reason as string,
      ...(fields.expires ? { expires: fields.expires } : {}),
      file,
      line,
    });
  }
  return rules;
}

export function loadIgnoreFile(path: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? "NOT_FOUND" : "INPUT", `${path}: cannot read ignore file: ${errorMessage(e)}`, { cause: e });
  }
  return parseIgnoreFile(text, path);
}

/** True once the day after `expires` has begun (UTC). */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  if (!rule.expires) return false;
  return now.getTime() >= Date.parse(`${rule.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}
