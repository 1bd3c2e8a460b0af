// Where the pod template lives in each workload kind, and the containers inside it.
import type { Obj, Resource } from "./resource.js";
import { asArray, asObj, isObj, kindLine, str } from "./resource.js";
import { lineAt, nodeAt } from "../yaml/positions.js";
import type { PathStep } from "../yaml/positions.js";

/** Where the pod template lives in each workload kind (also the admission webhook's list of kinds). */
export const POD_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

export const CONTAINER_GROUPS = ["initContainers", "containers", "ephemeralContainers"] as const;

export interface Container {
  name: string;
  group: (typeof CONTAINER_GROUPS)[number];
  spec: Obj;
  /** Path from the resource root to this container. */
  path: PathStep[];
  securityContext: Obj;
  /** Its yaml node, found on first use (null: not found), so field lines do not walk from the root. */
  node?: unknown;
}

export interface Pod {
  /** Path to the pod (template) object: its `metadata` and `spec` sit under it. */
  path: PathStep[];
  specPath: PathStep[];
  metadata: Obj;
  spec: Obj;
  securityContext: Obj;
  containers: Container[];
}

export function isWorkload(res: Resource): boolean {
  return Object.hasOwn(POD_PATHS, res.kind);
}

const cache = new WeakMap<Resource, Pod | null>();

export function podOf(res: Resource): Pod | undefined {
  if (cache.has(res)) return cache.get(res) ?? undefined;
  const pod = buildPod(res);
  cache.set(res, pod ?? null);
  return pod;
}

function buildPod(res: Resource): Pod | undefined {
  if (!isWorkload(res)) return undefined;
  const base = POD_PATHS[res.kind]!;
  let cur: unknown = res.obj;
  for (const step of base) cur = asObj(cur)[step as string];
  if (!isObj(cur)) return undefined;
  const specPath = [...base, "spec"];
  const spec = asObj(cur.spec);
  const containers: Container[] = [];
  for (const group of CONTAINER_GROUPS) {
    asArray(spec[group]).forEach((c, i) => {
      if (!isObj(c)) return;
      containers.push({ name: str(c.name) ?? `${group}[${i}]`, group, spec: c, path: [...specPath, group, i], securityContext: asObj(c.securityContext) });
    });
  }
  return { path: [...base], specPath, metadata: asObj(cur.metadata), spec, securityContext: asObj(spec.securityContext), containers };
}

function containerNode(res: Resource, c: Container): unknown {
  if (c.node === undefined) c.node = nodeAt(res.node, c.path) ?? null;
  return c.node;
}

/** The container's `name:` line (or its first line), for findings about a missing field. */
export function containerLine(res: Resource, c: Container): number | undefined {
  return lineAt(containerNode(res, c), ["name"], res.lc) ?? kindLine(res);
}

/** Line of a container field, falling back to the container's name line. */
export function containerFieldLine(res: Resource, c: Container, rest: PathStep[]): number | undefined {
  // An empty `rest` means the container item itself: its line from the root walk.
  const l = rest.length === 0 ? fieldLine(res, c.path) : lineAt(containerNode(res, c), rest, res.lc);
  return l ?? containerLine(res, c);
}

/** Line of a field in the resource, or undefined (no fallback, unlike `line`). */
export function fieldLine(res: Resource, path: PathStep[]): number | undefined {
  return lineAt(res.node, path, res.lc);
}

/** "container app" / "init container setup" for messages. */
export function describe(c: Container): string {
  const kind = c.group === "initContainers" ? "init container" : c.group === "ephemeralContainers" ? "ephemeral container" : "container";
  return `${kind} "${c.name}"`;
}
