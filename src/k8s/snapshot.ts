// What `collectCluster` reads from a live cluster: plain JSON objects as the API serves them
// (with apiVersion and kind filled in, managedFields and last-applied annotations dropped),
// grouped by resource. Consumers (the live scan, RBAC analysis, admission) read this type only,
// never the client library's classes.

/** A Kubernetes object as JSON. Fields are whatever the server sent: read them defensively. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: K8sMetadata;
  [field: string]: unknown;
}

export interface K8sMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  creationTimestamp?: string;
  [field: string]: unknown;
}

/** One resource type that could not be read (a 403, a timeout, a broken stream): the rest goes on. */
export interface CollectError {
  /** The resource: "secrets", "deployments.apps", "validatingwebhookconfigurations.admissionregistration.k8s.io". */
  resource: string;
  /** Set when the list was namespaced (--namespace). */
  namespace?: string;
  /** HTTP status when the server answered (403, 404, 500, ...). */
  status?: number;
  message: string;
}

/** The resource types collected, by the key they have in the snapshot. */
export interface ResourceSpec {
  key: SnapshotKey;
  /** Path of the group/version: "/api/v1" or "/apis/apps/v1". */
  base: string;
  /** Plural resource name. */
  resource: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

export const RESOURCES: readonly ResourceSpec[] = [
  { key: "namespaces", base: "/api/v1", resource: "namespaces", apiVersion: "v1", kind: "Namespace", namespaced: false },
  { key: "nodes", base: "/api/v1", resource: "nodes", apiVersion: "v1", kind: "Node", namespaced: false },
  { key: "pods", base: "/api/v1", resource: "pods", apiVersion: "v1", kind: "Pod", namespaced: true },
  { key: "serviceAccounts", base: "/api/v1", resource: "serviceaccounts", apiVersion: "v1", kind: "ServiceAccount", namespaced: true },
  { key: "services", base: "/api/v1", resource: "services", apiVersion: "v1", kind: "Service", namespaced: true },
  { key: "configMaps", base: "/api/v1", resource: "configmaps", apiVersion: "v1", kind: "ConfigMap", namespaced: true },
  { key: "replicationControllers", base: "/api/v1", resource: "replicationcontrollers", apiVersion: "v1", kind: "ReplicationController", namespaced: true },
  { key: "deployments", base: "/apis/apps/v1", resource: "deployments", apiVersion: "apps/v1", kind: "Deployment", namespaced: true },
  { key: "statefulSets", base: "/apis/apps/v1", resource: "statefulsets", apiVersion: "apps/v1", kind: "StatefulSet", namespaced: true },
  { key: "daemonSets", base: "/apis/apps/v1", resource: "daemonsets", apiVersion: "apps/v1", kind: "DaemonSet", namespaced: true },
  { key: "replicaSets", base: "/apis/apps/v1", resource: "replicasets", apiVersion: "apps/v1", kind: "ReplicaSet", namespaced: true },
  { key: "jobs", base: "/apis/batch/v1", resource: "jobs", apiVersion: "batch/v1", kind: "Job", namespaced: true },
  { key: "cronJobs", base: "/apis/batch/v1", resource: "cronjobs", apiVersion: "batch/v1", kind: "CronJob", namespaced: true },
  { key: "roles", base: "/apis/rbac.authorization.k8s.io/v1", resource: "roles", apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", namespaced: true },
  { key: "roleBindings", base: "/apis/rbac.authorization.k8s.io/v1", resource: "rolebindings", apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", namespaced: true },
  { key: "clusterRoles", base: "/apis/rbac.authorization.k8s.io/v1", resource: "clusterroles", apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", namespaced: false },
  { key: "clusterRoleBindings", base: "/apis/rbac.authorization.k8s.io/v1", resource: "clusterrolebindings", apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", namespaced: false },
  { key: "networkPolicies", base: "/apis/networking.k8s.io/v1", resource: "networkpolicies", apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespaced: true },
  { key: "ingresses", base: "/apis/networking.k8s.io/v1", resource: "ingresses", apiVersion: "networking.k8s.io/v1", kind: "Ingress", namespaced: true },
  { key: "validatingWebhookConfigurations", base: "/apis/admissionregistration.k8s.io/v1", resource: "validatingwebhookconfigurations", apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", namespaced: false },
  { key: "mutatingWebhookConfigurations", base: "/apis/admissionregistration.k8s.io/v1", resource: "mutatingwebhookconfigurations", apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", namespaced: false },
  { key: "validatingAdmissionPolicies", base: "/apis/admissionregistration.k8s.io/v1", resource: "validatingadmissionpolicies", apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", namespaced: false },
  { key: "validatingAdmissionPolicyBindings", base: "/apis/admissionregistration.k8s.io/v1", resource: "validatingadmissionpolicybindings", apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", namespaced: false },
];

export type SnapshotKey =
  | "namespaces" | "nodes" | "pods" | "serviceAccounts" | "services" | "configMaps" | "replicationControllers"
  | "deployments" | "statefulSets" | "daemonSets" | "replicaSets" | "jobs" | "cronJobs"
  | "roles" | "roleBindings" | "clusterRoles" | "clusterRoleBindings"
  | "networkPolicies" | "ingresses"
  | "validatingWebhookConfigurations" | "mutatingWebhookConfigurations" | "validatingAdmissionPolicies" | "validatingAdmissionPolicyBindings";

/** "deployments.apps": how errors and kubectl name a resource type. */
export function resourceName(spec: ResourceSpec): string {
  const group = spec.base.startsWith("/apis/") ? spec.base.slice(6).split("/")[0]! : "";
  return group ? `${spec.resource}.${group}` : spec.resource;
}

export interface ClusterSnapshot {
  /** API server URL as the kubeconfig names it. */
  server: string;
  /** kubeconfig context used (absent in-cluster). */
  context?: string;
  /** ISO time the collection started. */
  collectedAt: string;
  /** What /version answered (gitVersion "v1.36.2", ...), when it answered. */
  version?: { gitVersion: string; major?: string; minor?: string; platform?: string };
  /** Namespaces the namespaced lists were limited to; undefined: all namespaces. */
  scope?: string[];
  /** Objects per resource type; a type that could not be read is empty and has an entry in `errors`. */
  objects: Record<SnapshotKey, K8sObject[]>;
  errors: CollectError[];
  /** Count of list requests (pages) made, for the curious and the tests of pagination. */
  requests: number;
}

export function emptyObjects(): Record<SnapshotKey, K8sObject[]> {
  return Object.fromEntries(RESOURCES.map((r) => [r.key, []])) as unknown as Record<SnapshotKey, K8sObject[]>;
}

/** `deployment/web -n shop` (kubectl's way of naming an object). */
export function kubectlRef(obj: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${obj.kind.toLowerCase()}/${obj.metadata.name}${obj.metadata.namespace ? ` -n ${obj.metadata.namespace}` : ""}`;
}
