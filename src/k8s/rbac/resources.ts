// kubectl's way of naming what is asked: VERB TYPE[.GROUP][/NAME] (with --subresource), or a
// non-resource URL starting with "/". Without a live discovery, built-in types are resolved from a
// table (plural, singular, kind and short names); anything else must be written as
// `plural.group` (or is taken as a core resource of that name).
import { UserError } from "../../errors.js";
import type { Attributes } from "./authorizer.js";

interface ResourceType {
  group: string;
  resource: string;
  namespaced: boolean;
  short?: string[];
  kind: string;
}

const T = (group: string, resource: string, kind: string, namespaced: boolean, short: string[] = []): ResourceType => ({ group, resource, kind, namespaced, short });

/** Built-in API resources (Kubernetes 1.36 discovery, trimmed to the common ones). */
export const BUILTIN_RESOURCES: ResourceType[] = [
  T("", "pods", "Pod", true, ["po"]),
  T("", "services", "Service", true, ["svc"]),
  T("", "serviceaccounts", "ServiceAccount", true, ["sa"]),
  T("", "secrets", "Secret", true),
  T("", "configmaps", "ConfigMap", true, ["cm"]),
  T("", "namespaces", "Namespace", false, ["ns"]),
  T("", "nodes", "Node", false, ["no"]),
  T("", "persistentvolumes", "PersistentVolume", false, ["pv"]),
  T("", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"]),
  T("", "endpoints", "Endpoints", true, ["ep"]),
  T("", "events", "Event", true, ["ev"]),
  T("", "replicationcontrollers", "ReplicationController", true, ["rc"]),
  T("", "resourcequotas", "ResourceQuota", true, ["quota"]),
  T("", "limitranges", "LimitRange", true, ["limits"]),
  T("", "podtemplates", "PodTemplate", true),
  T("apps", "deployments", "Deployment", true, ["deploy"]),
  T("apps", "daemonsets", "DaemonSet", true, ["ds"]),
  T("apps", "statefulsets", "StatefulSet", true, ["sts"]),
  T("apps", "replicasets", "ReplicaSet", true, ["rs"]),
  T("apps", "controllerrevisions", "ControllerRevision", true),
  T("batch", "jobs", "Job", true),
  T("batch", "cronjobs", "CronJob", true, ["cj"]),
  T("autoscaling", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"]),
  T("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"]),
  T("networking.k8s.io", "networkpolicies", "NetworkPolicy", true, ["netpol"]),
  T("networking.k8s.io", "ingresses", "Ingress", true, ["ing"]),
  T("networking.k8s.io", "ingressclasses", "IngressClass", false),
  T("rbac.authorization.k8s.io", "roles", "Role", true),
  T("rbac.authorization.k8s.io", "rolebindings", "RoleBinding", true),
  T("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", false),
  T("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", false),
  T("storage.k8s.io", "storageclasses", "StorageClass", false, ["sc"]),
  T("apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"]),
  T("admissionregistration.k8s.io", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false),
  T("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false),
  T("admissionregistration.k8s.io", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false),
  T("admissionregistration.k8s.io", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false),
  T("certificates.k8s.io", "certificatesigningrequests", "CertificateSigningRequest", false, ["csr"]),
  T("coordination.k8s.io", "leases", "Lease", true),
  T("authentication.k8s.io", "tokenreviews", "TokenReview", false),
  T("authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview", false),
  T("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
];

const byName = new Map<string, ResourceType>();
for (const t of BUILTIN_RESOURCES) {
  for (const n of [t.resource, t.kind.toLowerCase(), ...(t.short ?? [])]) if (!byName.has(n)) byName.set(n, t);
}

/** Is a resource of this group namespaced? Unknown resources are taken as namespaced. */
export function isNamespaced(group: string, resource: string): boolean {
  const t = byName.get(resource);
  return t && t.group === group ? t.namespaced : true;
}

/** The verbs Kubernetes knows; others are accepted too (custom verbs exist, e.g. `use`), as RBAC does. */
export const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "escalate", "impersonate", "approve", "sign", "proxy", "*"];

export interface ParsedRequest {
  attributes: Attributes;
  /** How it reads back: "create pods/exec in namespace ns" */
  text: string;
}

/**
 * Builds the request the way `kubectl auth can-i` does. A namespaced resource without -n is asked
 * in `defaultNamespace` (kubectl: the context's namespace, "default"); cluster-scoped ones without one.
 */
export function parseRequest(verb: string, what: string, opts: { namespace?: string; subresource?: string; defaultNamespace?: string } = {}): ParsedRequest {
  const v = verb.toLowerCase();
  if (!/^[a-z*]+$/.test(v)) throw new UserError("USAGE", `not a verb: ${JSON.stringify(verb)}`);
  if (what.startsWith("/")) {
    if (opts.subresource) throw new UserError("USAGE", "--subresource is for resources, not non-resource URLs");
    return { attributes: { verb: v, path: what }, text: `${v} ${what}` };
  }
  if (!/^[A-Za-z0-9.*/_:-]+$/.test(what) || what.length > 253) throw new UserError("USAGE", `not a resource: ${JSON.stringify(what)}`);
  const slash = what.indexOf("/");
  const typePart = slash >= 0 ? what.slice(0, slash) : what;
  const name = slash >= 0 ? what.slice(slash + 1) : undefined;
  if (name !== undefined && (name === "" || name.includes("/"))) throw new UserError("USAGE", `${JSON.stringify(what)}: write TYPE[.GROUP][/NAME] (subresources with --subresource)`);
  let resource = typePart.toLowerCase();
  let group: string;
  const dot = resource.indexOf(".");
  if (dot >= 0) {
    group = resource.slice(dot + 1);
    resource = resource.slice(0, dot);
    const t = byName.get(resource);
    if (t && (t.group === group || (group === "core" && t.group === ""))) resource = t.resource;
    if (group === "core") group = "";
  } else if (resource === "*") {
    group = "*";
  } else {
    const t = byName.get(resource);
    if (t) {
      group = t.group;
      resource = t.resource;
    } else group = "";
  }
  const namespaced = resource === "*" || isNamespaced(group, resource);
  const namespace = namespaced ? (opts.namespace ?? opts.defaultNamespace ?? "") : "";
  const attributes: Attributes = { verb: v, apiGroup: group, resource, namespace };
  if (opts.subresource) attributes.subresource = opts.subresource;
  if (name) attributes.name = name;
  const full = `${resource}${group && group !== "*" ? `.${group}` : ""}${opts.subresource ? `/${opts.subresource}` : ""}${name ? ` named ${name}` : ""}`;
  return { attributes, text: `${v} ${full}${namespace ? ` in namespace ${namespace}` : ""}` };
}
