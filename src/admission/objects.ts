// What an admission request is about: the pod template of a Pod or workload object, its
// containers, and where each container's image sits (a JSON Pointer, for /mutate's patches).
// Objects come from the API server but are treated as hostile: every field is checked for type.

import { CONTAINER_GROUPS, POD_PATHS } from "../misconfig/kubernetes/workload.js";

export type Obj = Record<string, unknown>;

/** Where the pod template lives in each workload kind (JSON Pointer segments): the rules' own table. */
export const POD_TEMPLATE_PATHS = POD_PATHS;

/** The API group and resource of each kind, for webhook rules (`install`). */
export const WORKLOAD_RESOURCES: { group: string; resource: string; kind: string }[] = [
  { group: "", resource: "pods", kind: "Pod" },
  { group: "", resource: "replicationcontrollers", kind: "ReplicationController" },
  { group: "apps", resource: "deployments", kind: "Deployment" },
  { group: "apps", resource: "statefulsets", kind: "StatefulSet" },
  { group: "apps", resource: "daemonsets", kind: "DaemonSet" },
  { group: "apps", resource: "replicasets", kind: "ReplicaSet" },
  { group: "batch", resource: "jobs", kind: "Job" },
  { group: "batch", resource: "cronjobs", kind: "CronJob" },
];

const GROUPS = CONTAINER_GROUPS;

export interface ContainerRef {
  name: string;
  group: (typeof GROUPS)[number];
  /** The image string as written (may be empty or missing: then `image` is undefined). */
  image: string | undefined;
  /** JSON Pointer to the container's `image` field. */
  imagePointer: string;
  /** Effective securityContext facts for the image-user rule: container over pod. */
  runAsUser: number | undefined;
  runAsNonRoot: boolean | undefined;
}

export interface PodTemplate {
  /** JSON Pointer to the pod (template) object. */
  pointer: string;
  spec: Obj;
  /** The template's metadata.annotations (AppArmor and seccomp annotations are checked). */
  annotations: unknown;
  containers: ContainerRef[];
}

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asObj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** RFC 6901 escaping of one segment. */
export function pointerSegment(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => "/" + pointerSegment(String(p))).join("");
}

export function isWorkloadKind(kind: string): boolean {
  return Object.hasOwn(POD_TEMPLATE_PATHS, kind);
}

/** The pod template of a workload object, or undefined when the kind has none or it is not an object. */
/** Each kind's pod-template pointer, built once (requests only append `/spec/GROUP/I/image`). */
const BASE_POINTERS = new Map(Object.entries(POD_TEMPLATE_PATHS).map(([k, path]) => [k, pointer(path)]));

export function podTemplate(kind: string, obj: unknown): PodTemplate | undefined {
  if (!isWorkloadKind(kind) || !isObj(obj)) return undefined;
  const base = POD_TEMPLATE_PATHS[kind]!;
  const basePointer = BASE_POINTERS.get(kind)!;
  let cur: unknown = obj;
  for (const step of base) cur = asObj(cur)[step];
  if (!isObj(cur)) return undefined;
  const spec = asObj(cur.spec);
  const podSc = asObj(spec.securityContext);
  const containers: ContainerRef[] = [];
  for (const group of GROUPS) {
    const list = spec[group];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (!isObj(c)) return;
      const sc = asObj(c.securityContext);
      const user = intOrUndefined(sc.runAsUser) ?? intOrUndefined(podSc.runAsUser);
      const nonRoot = boolOrUndefined(sc.runAsNonRoot) ?? boolOrUndefined(podSc.runAsNonRoot);
      containers.push({
        name: typeof c.name === "string" ? c.name : `${group}[${i}]`,
        group,
        image: typeof c.image === "string" && c.image !== "" ? c.image : undefined,
        imagePointer: `${basePointer}/spec/${group}/${i}/image`,
        runAsUser: user,
        runAsNonRoot: nonRoot,
      });
    });
  }
  return { pointer: basePointer, spec, annotations: asObj(cur.metadata).annotations, containers };
}

function intOrUndefined(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) ? v : undefined;
}

function boolOrUndefined(v: unknown): boolean | undefined {
  return typeof v === "boolean" ? v : undefined;
}

/** Stable JSON (sorted keys) for comparing an update's old and new pod spec. */
export function canonical(v: unknown, depth = 0): string {
  if (depth > 200) return "…";
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, depth + 1)).join(",")}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k], depth + 1)}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}
