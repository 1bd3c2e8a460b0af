// Kubernetes resources as parsed from files: the plain object plus what is needed for line numbers.
import type { Misconfiguration } from "../../model/index.js";
import { lineAt } from "../yaml/positions.js";
import type { LineFinder, PathStep } from "../yaml/positions.js";

export type Obj = Record<string, unknown>;

export interface Resource {
  path: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  obj: Obj;
  /** The node of this resource (a document's root or a List item): yaml's, or the fast reader's PosNode. */
  node: unknown;
  /** Offsets to lines for yaml nodes (PosNodes hold lines). */
  lc?: LineFinder;
  /** `resourceRef` results by container name, shared by all findings about them. */
  refs?: Map<string | undefined, ResourceRef>;
}

type ResourceRef = NonNullable<Misconfiguration["resource"]>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asObj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** The scalar items of a list as strings; anything else in it is skipped. */
export function strings(v: unknown): string[] {
  return asArray(v).map(str).filter((x): x is string => x !== undefined);
}

/** Line of a field in the resource, falling back to the `kind:` line. */
export function line(res: Resource, path: readonly PathStep[]): number | undefined {
  return lineAt(res.node, path, res.lc) ?? kindLine(res);
}

export function kindLine(res: Resource): number | undefined {
  return lineAt(res.node, ["kind"], res.lc) ?? lineAt(res.node, [], res.lc);
}

/** One object per resource and container: a scan can have 100,000 findings to keep until the end. */
export function resourceRef(res: Resource, container?: string): ResourceRef {
  res.refs ??= new Map();
  let ref = res.refs.get(container);
  if (!ref) {
    ref = { kind: res.kind, name: res.name };
    if (res.namespace !== undefined) ref.namespace = res.namespace;
    if (container !== undefined) ref.container = container;
    res.refs.set(container, ref);
  }
  return ref;
}

/** "Deployment web" or "Deployment shop/web". */
export function label(res: Resource): string {
  return `${res.kind} ${res.namespace ? `${res.namespace}/` : ""}${res.name}`;
}
