// Where the RBAC analysis gets its objects: files (manifests or a JSON snapshot) or a live cluster
// (read by k8s/collect.ts, the same collector as `k8s scan`).
import { collectCluster } from "../collect.js";
import { loadObjects, type K8sObject } from "./objects.js";

export type K8sSource = { paths: string[] } | { kubeconfig?: string | undefined; context?: string | undefined };

/** RBAC needs these types only (pods and workloads for the escalation hops). */
const RBAC_KEYS = ["namespaces", "pods", "serviceAccounts", "roles", "roleBindings", "clusterRoles", "clusterRoleBindings"] as const;

export interface LoadedObjects {
  objects: K8sObject[];
  /** Resource types the live cluster did not let us read: answers may be incomplete. */
  warnings: string[];
}

export async function loadK8sObjects(source: K8sSource): Promise<LoadedObjects> {
  if ("paths" in source) return { objects: loadObjects(source.paths), warnings: [] };
  const opts: { kubeconfig?: string; context?: string; only: (typeof RBAC_KEYS)[number][] } = { only: [...RBAC_KEYS] };
  if (source.kubeconfig) opts.kubeconfig = source.kubeconfig;
  if (source.context) opts.context = source.context;
  const snap = await collectCluster(opts);
  const objects: K8sObject[] = [];
  for (const list of Object.values(snap.objects)) for (const o of list) objects.push(o as K8sObject);
  return { objects, warnings: snap.errors.map((e) => `cannot read ${e.resource}${e.namespace ? ` in ${e.namespace}` : ""}: ${e.message}`) };
}
