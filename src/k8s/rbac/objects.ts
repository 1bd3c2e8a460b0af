// Kubernetes objects as the RBAC analysis reads them: loaded from manifests (YAML or JSON, multi-document,
// `kind: List`), from a JSON snapshot (any JSON holding objects, e.g. `kubectl get -o json` lists or a
// ClusterSnapshot), or handed over by a live collector. Only the fields the analysis reads are typed.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { UserError } from "../../errors.js";

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** Caps on what is read: a snapshot or a manifest tree is user input. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_OBJECTS = 1_000_000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Walks any JSON value and collects the Kubernetes objects in it (expanding `*List` items). */
export function collectObjects(value: unknown, out: K8sObject[] = []): K8sObject[] {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (isObj(v)) {
      if (typeof v.kind === "string" && Array.isArray(v.items) && v.kind.endsWith("List")) {
        const kind = v.kind.slice(0, -4);
        // kubectl lists carry kind on each item; typed API lists (RoleList) do not.
        for (let i = v.items.length - 1; i >= 0; i--) {
          const it = v.items[i];
          if (isObj(it) && typeof it.kind !== "string" && kind) stack.push({ ...it, kind });
          else stack.push(it);
        }
      } else if (typeof v.kind === "string" && isObj(v.metadata)) {
        out.push(v as K8sObject);
        if (out.length > MAX_OBJECTS) throw new UserError("USAGE", `more than ${MAX_OBJECTS} objects in the input`);
      } else {
        for (const x of Object.values(v)) if (typeof x === "object" && x !== null) stack.push(x);
      }
    }
  }
  return out;
}

function readFile(path: string): string {
  const st = statSync(path);
  if (st.size > MAX_FILE_BYTES) throw new UserError("USAGE", `${path}: larger than ${MAX_FILE_BYTES} bytes`);
  return readFileSync(path, "utf8");
}

/** Parses one manifest or snapshot file's text (JSON or YAML, several documents). */
export function parseObjects(text: string, name: string): K8sObject[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return collectObjects(JSON.parse(text));
    } catch (e) {
      if (e instanceof UserError) throw e;
      // Not JSON after all (YAML flow style): fall through.
    }
  }
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new UserError("USAGE", `${name}: ${doc.errors[0]!.message.split("\n")[0]}`);
    collectObjects(doc.toJS({ maxAliasCount: 100 }), out);
  }
  return out;
}

/** Reads files and directories (walked recursively: .yaml, .yml, .json) into objects. */
export function loadObjects(paths: string[]): K8sObject[] {
  const out: K8sObject[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UserError("USAGE", `${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith(".")) walk(join(p, e), false);
    } else if (st.isFile() && (top || /\.(ya?ml|json)$/i.test(p))) {
      for (const o of parseObjects(readFile(p), p)) out.push(o);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}
