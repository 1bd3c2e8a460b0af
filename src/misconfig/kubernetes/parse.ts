// Reads YAML (multi-document) and JSON files into Kubernetes resources; anything without
// apiVersion/kind is not Kubernetes and is skipped without a word.
import { LineCounter, isMap, isSeq, parseAllDocuments } from "yaml";
import type { Resource } from "./resource.js";
import { asObj, isObj, str } from "./resource.js";

export interface ParseError {
  path: string;
  message: string;
}

/** Files above this size are refused rather than parsed (manifests are far smaller). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export function parseResources(path: string, text: string, errors: ParseError[]): Resource[] {
  if (text.length > MAX_FILE_BYTES) {
    errors.push({ path, message: `file too large to scan (${text.length} bytes, limit ${MAX_FILE_BYTES})` });
    return [];
  }
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    errors.push({ path, message: `cannot parse YAML: ${(e as Error).message}` });
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const out: Resource[] = [];
  const looksKubernetes = text.includes("apiVersion");
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      // Only report broken documents that look like Kubernetes; other YAML is not ours.
      if (looksKubernetes) {
        errors.push({ path, message: `invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}` });
      }
      continue;
    }
    let value: unknown;
    try {
      // maxAliasCount guards against alias bombs ("billion laughs").
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push({ path, message: `cannot read YAML document: ${(e as Error).message}` });
      continue;
    }
    collect(value, doc.contents, path, lc, out);
  }
  return out;
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
