// Workloads of a snapshot: the top-level controllers (a Deployment, not its ReplicaSets and pods;
// a CronJob, not its Jobs) and bare pods, each with the pods that belong to it through
// controller ownerReferences, its pod template and the images its pods run.
import type { ClusterSnapshot, K8sObject } from "./snapshot.js";
import { kubectlRef } from "./snapshot.js";

export const WORKLOAD_KEYS = ["deployments", "statefulSets", "daemonSets", "replicaSets", "replicationControllers", "jobs", "cronJobs", "pods"] as const;

export interface RunningImage {
  container: string;
  /** What the pod spec asked for ("nginx:1.25"). */
  image: string;
  /** status.imageID as the kubelet reported it. */
  imageID?: string;
  /** "repo@sha256:…" when the imageID names a pullable digest. */
  pullRef?: string;
  digest?: string;
}

export interface Workload {
  obj: K8sObject;
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  /** The pod template (or the pod itself): { metadata, spec }. */
  template: { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined;
  pods: K8sObject[];
  images: RunningImage[];
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function podTemplate(o: K8sObject): Workload["template"] {
  let cur: unknown;
  const spec = obj(o.spec);
  if (o.kind === "Pod") return { metadata: obj(o.metadata), spec };
  if (o.kind === "CronJob") cur = obj(obj(obj(spec.jobTemplate).spec).template);
  else cur = spec.template;
  if (!cur || typeof cur !== "object") return undefined;
  return { metadata: obj(obj(cur).metadata), spec: obj(obj(cur).spec) };
}

/** "docker-pullable://nginx@sha256:…", "docker.io/library/nginx@sha256:…" → repo@digest; a bare config digest is not pullable. */
export function parseImageID(imageID: string, image: string): { pullRef?: string; digest?: string } {
  const id = imageID.replace(/^[a-z-]+:\/\//, "");
  const m = /^(.+)@(sha256:[0-9a-f]{64})$/.exec(id);
  if (m) return { pullRef: `${m[1]}@${m[2]}`, digest: m[2]! };
  const spec = /^(.+)@(sha256:[0-9a-f]{64})$/.exec(image);
  if (spec) return { pullRef: `${spec[1]}@${spec[2]}`, digest: spec[2]! };
  return {};
}

/** Images running in a pod, from its container statuses (spec images when no status names one). */
export function podImages(pod: K8sObject): RunningImage[] {
  const status = obj(pod.status);
  const spec = obj(pod.spec);
  const out: RunningImage[] = [];
  for (const [specKey, statusKey] of [["initContainers", "initContainerStatuses"], ["containers", "containerStatuses"], ["ephemeralContainers", "ephemeralContainerStatuses"]] as const) {
    const statuses = new Map(arr(status[statusKey]).map((s) => [String(obj(s).name), obj(s)]));
    for (const c of arr(spec[specKey])) {
      const name = String(obj(c).name ?? "");
      const st = statuses.get(name);
      const image = String(obj(c).image ?? st?.image ?? "");
      const ri: RunningImage = { container: name, image };
      const imageID = typeof st?.imageID === "string" && st.imageID ? st.imageID : undefined;
      if (imageID) {
        ri.imageID = imageID;
        Object.assign(ri, parseImageID(imageID, image));
      }
      out.push(ri);
    }
  }
  return out;
}

/** Top-level workloads (objects no collected controller owns) and the pods under each. */
export function workloadsOf(snap: ClusterSnapshot): Workload[] {
  const byUid = new Map<string, K8sObject>();
  for (const key of WORKLOAD_KEYS) for (const o of snap.objects[key]) if (o.metadata.uid) byUid.set(o.metadata.uid, o);
  const controllerOf = (o: K8sObject): K8sObject | undefined => {
    const ref = (o.metadata.ownerReferences ?? []).find((r) => r && r.controller);
    return ref ? byUid.get(ref.uid) : undefined;
  };
  const top = (o: K8sObject): K8sObject => {
    let cur = o;
    for (let depth = 0; depth < 8; depth++) {
      const up = controllerOf(cur);
      if (!up || up === cur) break;
      cur = up;
    }
    return cur;
  };
  const out = new Map<K8sObject, Workload>();
  const workload = (o: K8sObject): Workload => {
    let w = out.get(o);
    if (!w) {
      w = { obj: o, ref: kubectlRef(o), kind: o.kind, namespace: o.metadata.namespace ?? "default", name: o.metadata.name, template: podTemplate(o), pods: [], images: [] };
      out.set(o, w);
    }
    return w;
  };
  for (const key of WORKLOAD_KEYS) for (const o of snap.objects[key]) if (top(o) === o) workload(o);
  for (const pod of snap.objects.pods) {
    const w = workload(top(pod));
    w.pods.push(pod);
    for (const img of podImages(pod)) {
      if (!w.images.some((i) => i.container === img.container && i.digest === img.digest && i.image === img.image)) w.images.push(img);
    }
  }
  // Workloads without running pods still say what their template would run.
  for (const w of out.values()) {
    if (w.images.length > 0 || !w.template) continue;
    for (const group of ["initContainers", "containers"]) {
      for (const c of arr(w.template.spec[group])) {
        const image = String(obj(c).image ?? "");
        const ri: RunningImage = { container: String(obj(c).name ?? ""), image };
        Object.assign(ri, parseImageID("", image));
        w.images.push(ri);
      }
    }
  }
  return [...out.values()];
}

/** Labels of a label selector's matchLabels/matchExpressions matched against `labels`. */
export function selectorMatches(selector: unknown, labels: Record<string, unknown>): boolean {
  const sel = obj(selector);
  for (const [k, v] of Object.entries(obj(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const e of arr(sel.matchExpressions)) {
    const ex = obj(e);
    const key = String(ex.key ?? "");
    const values = arr(ex.values).map(String);
    const has = Object.hasOwn(labels, key);
    switch (ex.operator) {
      case "In": if (!has || !values.includes(String(labels[key]))) return false; break;
      case "NotIn": if (has && values.includes(String(labels[key]))) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
