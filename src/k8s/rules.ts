// `bulwark config`'s Kubernetes rules on live objects. Each object is handed to the same
// KubernetesScanner as a file would be (as JSON, which its fast reader takes), under its kubectl
// reference (`deployment/web -n shop`) instead of a file name; line numbers mean nothing there
// and are dropped. Objects a controller owns (ReplicaSets of a Deployment, pods of a ReplicaSet)
// are checked through their owner only, so one template problem is one finding.
//
// Pod Security Standards per namespace: a namespace pins its policy version with
// `pod-security.kubernetes.io/enforce-version`; the objects of namespaces with the same version
// go through one scanner at that version. RBAC objects and cluster-scoped ones go through the
// scanner of the newest version (their rules do not depend on it), so bindings and roles of
// every namespace meet in one index.
import type { Misconfiguration, ReportError } from "../model/index.js";
import { KubernetesScanner, parsePssVersion, PSS_LATEST, type PssVersion } from "../misconfig/kubernetes/index.js";
import type { ClusterSnapshot, K8sObject, SnapshotKey } from "./snapshot.js";
import { kubectlRef } from "./snapshot.js";
import type { Workload } from "./workloads.js";

export const PSS_ENFORCE = "pod-security.kubernetes.io/enforce";
export const PSS_ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";

export type PssLevel = "privileged" | "baseline" | "restricted";

export interface NamespacePss {
  /** The enforce label's level; "privileged" when unset (what the admission controller then applies by default). */
  enforce: PssLevel;
  /** True when the label is set (a valid level). */
  labelled: boolean;
  version: PssVersion;
  /** The label values as written, when they were not understood. */
  invalid?: string[];
  /** Set when the level (or version) is the PodSecurityConfiguration's default, not a label (--pss-config). */
  fromDefaults?: true;
  /** Set when the PodSecurityConfiguration exempts the namespace: its workloads are not judged against a level. */
  exempt?: true;
}

/**
 * The parts of the API server's PodSecurityConfiguration (`--pss-config`, parsed by the admission
 * room's loadPssConfig) a cluster scan applies: the enforce default for namespaces without the
 * label, and the exempt namespaces and runtime classes (usernames need a request: admission only).
 */
export interface ClusterPssConfig {
  defaults: { enforce: { level: PssLevel; version: PssVersion } };
  exemptions: { namespaces: string[]; runtimeClasses: string[] };
  source?: string;
}

export function namespacePss(ns: K8sObject | undefined, config?: ClusterPssConfig): NamespacePss {
  const labels = ns?.metadata.labels ?? {};
  const raw = labels[PSS_ENFORCE];
  const invalid: string[] = [];
  const def = config?.defaults.enforce;
  let enforce: PssLevel = def?.level ?? "privileged";
  let labelled = false;
  let fromDefaults = !!def && raw === undefined;
  if (raw !== undefined) {
    if (raw === "privileged" || raw === "baseline" || raw === "restricted") {
      enforce = raw;
      labelled = true;
    } else {
      invalid.push(`${PSS_ENFORCE}=${raw}`);
      fromDefaults = !!def;
    }
  }
  const rawVersion = labels[PSS_ENFORCE_VERSION];
  let version = def?.version ?? PSS_LATEST;
  if (rawVersion !== undefined) {
    const v = parsePssVersion(String(rawVersion));
    if (v) version = v;
    else invalid.push(`${PSS_ENFORCE_VERSION}=${rawVersion}`);
  } else if (def && def.version.label !== PSS_LATEST.label) fromDefaults = true;
  const out: NamespacePss = { enforce, labelled, version };
  if (invalid.length) out.invalid = invalid;
  if (fromDefaults) out.fromDefaults = true;
  const name = ns?.metadata.name;
  if (config && name !== undefined && config.exemptions.namespaces.includes(name)) out.exempt = true;
  return out;
}

/** Resource types whose objects the rules see (workloads are added per top-level workload). */
const CHECKED: SnapshotKey[] = ["namespaces", "serviceAccounts", "services", "configMaps", "roles", "roleBindings", "clusterRoles", "clusterRoleBindings", "networkPolicies", "ingresses"];
const RBAC = new Set(["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]);

/** Objects the API server makes for itself: the `kubernetes` Service in `default` (not a workload's choice of namespace). */
function clusterOwn(o: K8sObject): boolean {
  return o.kind === "Service" && o.metadata.namespace === "default" && o.metadata.name === "kubernetes";
}

/** The cluster's non-workload objects the rules check (RBAC, namespaces, services, …). */
export function clusterObjects(snap: ClusterSnapshot): K8sObject[] {
  return CHECKED.flatMap((key) => snap.objects[key].filter((o) => !clusterOwn(o)));
}

export interface RuleRun {
  findings: Misconfiguration[];
  errors: ReportError[];
  /** Policy per namespace name (namespaces the snapshot holds, plus those objects name). */
  pss: Map<string, NamespacePss>;
}

export function runClusterRules(snap: ClusterSnapshot, workloads: Workload[], config?: ClusterPssConfig): RuleRun {
  const pss = new Map<string, NamespacePss>();
  for (const ns of snap.objects.namespaces) pss.set(ns.metadata.name, namespacePss(ns, config));
  const policyOf = (namespace: string): NamespacePss => {
    let p = pss.get(namespace);
    if (!p) pss.set(namespace, (p = namespacePss({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, config)));
    return p;
  };
  const scanners = new Map<string, KubernetesScanner>();
  const scannerFor = (v: PssVersion): KubernetesScanner => {
    let s = scanners.get(v.label);
    if (!s) scanners.set(v.label, (s = new KubernetesScanner({ pss: v })));
    return s;
  };
  // The default scanner first, so RBAC findings come before the namespaces'.
  scannerFor(PSS_LATEST);
  const add = (o: K8sObject): void => {
    const ns = o.metadata.namespace;
    const v = ns === undefined || RBAC.has(o.kind) ? PSS_LATEST : policyOf(ns).version;
    scannerFor(v).add(kubectlRef(o), JSON.stringify(o));
  };
  for (const o of clusterObjects(snap)) add(o);
  for (const w of workloads) add(w.obj);
  const findings: Misconfiguration[] = [];
  const errors: ReportError[] = [];
  for (const s of scanners.values()) {
    const r = s.finish();
    for (const f of r.findings) {
      delete f.line;
      delete f.endLine;
      findings.push(f);
    }
    for (const e of r.errors) errors.push({ source: "kubernetes", message: e.message, path: e.path });
  }
  return { findings, errors, pss };
}

/**
 * The highest Pod Security level a workload's findings allow: a baseline control failed means
 * privileged, a restricted one baseline, none restricted.
 */
export function satisfiedLevel(findings: Misconfiguration[]): PssLevel {
  let level: PssLevel = "restricted";
  for (const f of findings) {
    const l = f.references.pss?.level;
    if (l === "baseline") return "privileged";
    if (l === "restricted") level = "baseline";
  }
  return level;
}

const RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** Whether a workload at `level` fails its namespace's enforced level. */
export function violates(level: PssLevel, enforce: PssLevel): boolean {
  return RANK[level] < RANK[enforce];
}
