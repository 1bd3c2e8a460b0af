// Reads YAML (multi-document) and JSON files into Kubernetes resources; anything without
// apiVersion/kind is not Kubernetes and is skipped without a word.
import { Composer, LineCounter, Parser, isMap, isSeq } from "yaml";
import { plainValue } from "./plain.js";
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
 * parseAllDocuments would return them), so a document's yaml nodes can be dropped once its
 * resources were checked. Returns false when the file cannot be parsed at all: then only that
 * error is reported and the caller must discard what it was given for this file.
 */
export function eachDocument(path: string, text: string, errors: ParseError[], onDocument: (resources: Resource[]) => void): boolean {
  if (text.length > MAX_FILE_BYTES) {
    errors.push({ path, message: `file too large to scan (${text.length} bytes, limit ${MAX_FILE_BYTES})` });
    return true;
  }
  const lc = new LineCounter();
  const docs = new Composer(OPTIONS).compose(new Parser(lc.addNewLine).parse(text));
  const looksKubernetes = text.includes("apiVersion");
  // Errors of single documents count only if the whole file parses.
  const fileErrors: ParseError[] = [];
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
  for (const e of fileErrors) errors.push(e);
  return true;
}

function collect(value: unknown, node: unknown, path: string, lc: LineCounter, out: Resource[]): void {
  if (!isObj(value)) return;
  const apiVersion = str(value.apiVersion);
  const kind = str(value.kind);
  if (!apiVersion || !kind) return;
  if (kind.endsWith("List") && Array.isArray(value.items)) {
    const itemsNode = isMap(node) ? node.get("items", true) : undefined;
    value.items.forEach((item, i) => collect(item, isSeq(itemsNode) ? itemsNode.items[i] : undefined, path, lc, out));
    return;
  }
  const meta = asObj(value.metadata);
  const res: Resource = { path, apiVersion, kind, name: str(meta.name) ?? str(meta.generateName) ?? "(unnamed)", obj: value, node, lc };
  const ns = str(meta.namespace);
  if (ns) res.namespace = ns;
  out.push(res);
}
