// Reads a live cluster into a ClusterSnapshot: every resource type of RESOURCES, paginated with
// limit/continue, a few types at once. A type the credentials may not list (403), or whose list
// fails, becomes one entry of `errors` and the collection goes on. Memory is bounded by the page
// size, a cap on each response body, and caps on pages and objects; managedFields and the
// last-applied annotation (often most of an object's bytes) are dropped as pages arrive.
import { UserError } from "../errors.js";
import { connect, statusMessage, type ClientOptions, type KubeClient } from "./client.js";
import { emptyObjects, RESOURCES, resourceName, type ClusterSnapshot, type CollectError, type K8sObject, type ResourceSpec, type SnapshotKey } from "./snapshot.js";

export interface CollectOptions extends ClientOptions {
  /** Limit namespaced resources to these namespaces (cluster-scoped ones are still read). */
  namespaces?: string[];
  /** Objects per page (`limit`), default 500. */
  pageSize?: number;
  /** Stop a list after this many pages (default 10,000) or the whole collection after this many objects (default 2,000,000). */
  maxPages?: number;
  maxObjects?: number;
  /** Resource types read at once (default 4). */
  concurrency?: number;
  /** Only these snapshot keys (default all). */
  only?: SnapshotKey[];
  /** An existing client (tests, or a caller that already connected). */
  client?: KubeClient;
  onProgress?: (e: { resource: string; objects: number }) => void;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function slim(item: unknown, spec: ResourceSpec): K8sObject | undefined {
  if (!item || typeof item !== "object" || Array.isArray(item)) return undefined;
  const obj = item as K8sObject;
  const meta = obj.metadata;
  if (!meta || typeof meta !== "object" || typeof meta.name !== "string") return undefined;
  delete meta.managedFields;
  if (meta.annotations && typeof meta.annotations === "object" && LAST_APPLIED in meta.annotations) delete meta.annotations[LAST_APPLIED];
  // List items come without apiVersion and kind.
  obj.apiVersion = spec.apiVersion;
  obj.kind = spec.kind;
  return obj;
}

/** Connects (unless given a client) and reads the cluster. */
export async function collectCluster(opts: CollectOptions = {}): Promise<ClusterSnapshot> {
  const client = opts.client ?? (await connect(opts));
  const snapshot: ClusterSnapshot = { server: client.server, collectedAt: new Date().toISOString(), objects: emptyObjects(), errors: [], requests: 0 };
  if (client.context) snapshot.context = client.context;
  if (opts.namespaces) snapshot.scope = [...opts.namespaces];

  // /version first: it tells whether the server is there and takes the credentials at all.
  let version;
  try {
    version = await client.get("/version");
  } catch (e) {
    throw new UserError("NETWORK", `cannot reach the API server at ${client.server}: ${(e as Error).message}`);
  }
  if (version.status === 401) throw new UserError("AUTH", `the API server at ${client.server} rejected the credentials (401 Unauthorized)`);
  if (version.status === 200 && version.body && typeof version.body === "object") {
    const v = version.body as Record<string, unknown>;
    if (typeof v.gitVersion === "string") {
      snapshot.version = { gitVersion: v.gitVersion };
      for (const k of ["major", "minor", "platform"] as const) if (typeof v[k] === "string") snapshot.version[k] = v[k] as string;
    }
  } else snapshot.errors.push({ resource: "version", status: version.status, message: statusMessage(version.body) });

  const pageSize = opts.pageSize ?? 500;
  const maxPages = opts.maxPages ?? 10_000;
  const maxObjects = opts.maxObjects ?? 2_000_000;
  let total = 0;
  const specs = RESOURCES.filter((r) => !opts.only || opts.only.includes(r.key));

  // Jobs: one list per resource type (per namespace when limited).
  const jobs: { spec: ResourceSpec; namespace?: string }[] = [];
  for (const spec of specs) {
    if (spec.key === "namespaces" && opts.namespaces) continue; // read one by one below
    if (spec.namespaced && opts.namespaces) for (const ns of opts.namespaces) jobs.push({ spec, namespace: ns });
    else jobs.push({ spec });
  }

  const fail = (spec: ResourceSpec, namespace: string | undefined, message: string, status?: number): void => {
    const e: CollectError = { resource: resourceName(spec), message };
    if (namespace !== undefined) e.namespace = namespace;
    if (status !== undefined) e.status = status;
    snapshot.errors.push(e);
  };

  if (opts.namespaces && specs.some((s) => s.key === "namespaces")) {
    const spec = RESOURCES.find((r) => r.key === "namespaces")!;
    for (const ns of opts.namespaces) {
      let r;
      try {
        r = await client.get(`/api/v1/namespaces/${encodeURIComponent(ns)}`);
        snapshot.requests++;
      } catch (e) {
        fail(spec, ns, (e as Error).message);
        continue;
      }
      if (r.status === 404) throw new UserError("NOT_FOUND", `namespace "${ns}" does not exist on ${client.server}`);
      if (r.status !== 200) fail(spec, ns, statusMessage(r.body), r.status);
      else {
        const obj = slim(r.body, spec);
        if (obj) snapshot.objects.namespaces.push(obj);
      }
    }
  }

  const listAll = async (spec: ResourceSpec, namespace?: string): Promise<void> => {
    const base = `${spec.base}${namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ""}/${spec.resource}`;
    const out = snapshot.objects[spec.key];
    let token: string | undefined;
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= maxPages) return fail(spec, namespace, `stopped after ${maxPages} pages`);
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (token) q.set("continue", token);
      let r;
      let attempt = 0;
      for (;;) {
        try {
          r = await client.get(`${base}?${q.toString()}`);
          snapshot.requests++;
          break;
        } catch (e) {
          // A dropped connection is tried twice more; then the type is reported and skipped.
          if (++attempt >= 3) return fail(spec, namespace, (e as Error).message);
        }
      }
      if (r.status !== 200) {
        const why = r.status === 410 ? "the list expired while paging (410 Gone); objects so far kept" : statusMessage(r.body);
        return fail(spec, namespace, why, r.status);
      }
      const body = r.body as { items?: unknown; metadata?: { continue?: unknown } } | undefined;
      if (!body || typeof body !== "object" || !Array.isArray(body.items)) return fail(spec, namespace, "the server's answer is not a list");
      for (const item of body.items) {
        const obj = slim(item, spec);
        if (!obj) continue;
        if (total >= maxObjects) return fail(spec, namespace, `stopped at ${maxObjects} objects in all`);
        out.push(obj);
        total++;
      }
      opts.onProgress?.({ resource: resourceName(spec), objects: out.length });
      const next = body.metadata?.continue;
      if (typeof next !== "string" || next === "") return;
      if (seen.has(next)) return fail(spec, namespace, "the server repeated a continue token");
      seen.add(next);
      token = next;
    }
  };

  let nextJob = 0;
  const worker = async (): Promise<void> => {
    while (nextJob < jobs.length) {
      const job = jobs[nextJob++]!;
      await listAll(job.spec, job.namespace);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, jobs.length)) }, worker));
  // Stable order whatever the page order: namespace, then name.
  for (const key of Object.keys(snapshot.objects) as SnapshotKey[]) {
    snapshot.objects[key].sort((a, b) => cmp(a.metadata.namespace ?? "", b.metadata.namespace ?? "") || cmp(a.metadata.name, b.metadata.name));
  }
  snapshot.errors.sort((a, b) => cmp(a.resource, b.resource) || cmp(a.namespace ?? "", b.namespace ?? ""));
  return snapshot;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
