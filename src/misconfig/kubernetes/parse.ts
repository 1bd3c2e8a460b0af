// Reads YAML (multi-document) and JSON files into Kubernetes resources; anything without
// apiVersion/kind is not Kubernetes and is skipped without a word.
import { Composer, LineCounter, Parser } from "yaml";
import { readDocument, splitDocuments } from "../yaml/fast.js";
import { plainValue } from "../yaml/plain.js";
import { nodeAt } from "../yaml/positions.js";
import type { LineFinder } from "../yaml/positions.js";
import type { Resource } from "./resource.js";
import { asObj, isObj, str } from "./resource.js";

export interface ParseError {
  path: string;
  message: string;
}

/** Files above this size are refused rather than parsed (manifests are far smaller). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

// What parseAllDocuments would be given; the Composer takes the same options.
const OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;

/**
 * Calls `onDocument` with the resources of each document in turn (streaming, as
 * parseAllDocuments would return them), so a document's nodes can be dropped once its
 * resources were checked. Returns false when the file cannot be parsed at all: then only that
 * error is reported and the caller must discard what it was given for this file.
 *
 * Documents go through the fast reader (fast.ts) and, where it gives up, through `yaml`.
 */
export function eachDocument(path: string, text: string, errors: ParseError[], onDocument: (resources: Resource[]) => void): boolean {
  if (text.length > MAX_FILE_BYTES) {
    errors.push({ path, message: `file too large to scan (${text.length} bytes, limit ${MAX_FILE_BYTES})` });
    return true;
  }
  const looksKubernetes = text.includes("apiVersion");
  // Errors of single documents count only if the whole file parses.
  const fileErrors: ParseError[] = [];
  const split = splitDocuments(text);
  if (!split) {
    if (!yamlDocuments(path, text, 0, looksKubernetes, errors, fileErrors, onDocument)) return false;
  } else {
    const { lines, chunks } = split;
    for (const chunk of chunks) {
      const fast = readDocument(lines, chunk);
      if (fast) {
        const out: Resource[] = [];
        collect(fast.value, fast.pos, path, undefined, out);
        if (out.length > 0) onDocument(out);
        continue;
      }
      // The document alone, with its line numbers shifted to the file's.
      const source = lines.slice(chunk.from, chunk.to).join("\n");
      if (!yamlDocuments(path, source, chunk.from, looksKubernetes, errors, fileErrors, onDocument)) return false;
    }
  }
  for (const e of fileErrors) errors.push(e);
  return true;
}

/** `text` parsed by yaml; it starts on line `firstLine + 1` of the file. False if it cannot be parsed at all. */
function yamlDocuments(
  path: string,
  text: string,
  firstLine: number,
  looksKubernetes: boolean,
  errors: ParseError[],
  fileErrors: ParseError[],
  onDocument: (resources: Resource[]) => void,
): boolean {
  const counter = new LineCounter();
  const lc: LineFinder = firstLine === 0 ? counter : { linePos: (offset) => ({ line: counter.linePos(offset).line + firstLine }) };
  const docs = new Composer(OPTIONS).compose(new Parser(counter.addNewLine).parse(text));
  for (;;) {
    let step;
    try {
      step = docs.next();
    } catch (e) {
      errors.push({ path, message: `cannot parse YAML: ${(e as Error).message}` });
      return false;
    }
    if (step.done) break;
    const doc = step.value;
    if (doc.errors.length > 0) {
      // Only report broken documents that look like Kubernetes; other YAML is not ours.
      if (looksKubernetes) {
        fileErrors.push({ path, message: `invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}` });
      }
      continue;
    }
    let value: unknown;
    try {
      // maxAliasCount guards against alias bombs ("billion laughs").
      value = (plainValue(doc) ?? { value: doc.toJS({ maxAliasCount: 100 }) }).value;
    } catch (e) {
      fileErrors.push({ path, message: `cannot read YAML document: ${(e as Error).message}` });
      continue;
    }
    const out: Resource[] = [];
    collect(value, doc.contents, path, lc, out);
    if (out.length > 0) onDocument(out);
  }
  return true;
}

function collect(value: unknown, node: unknown, path: string, lc: LineFinder | undefined, out: Resource[]): void {
  if (!isObj(value)) return;
  const apiVersion = str(value.apiVersion);
  const kind = str(value.kind);
  if (!apiVersion || !kind) return;
  if (kind.endsWith("List") && Array.isArray(value.items)) {
    value.items.forEach((item, i) => collect(item, nodeAt(node, ["items", i]), path, lc, out));
    return;
  }
  const meta = asObj(value.metadata);
  const res: Resource = { path, apiVersion, kind, name: str(meta.name) ?? str(meta.generateName) ?? "(unnamed)", obj: value, node };
  if (lc) res.lc = lc;
  const ns = str(meta.namespace);
  if (ns) res.namespace = ns;
  out.push(res);
}
