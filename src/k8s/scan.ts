// `bulwark k8s scan`: collect (or take) a snapshot, run the Kubernetes rules on the live objects
// with each namespace's Pod Security policy, scan every running image once (by digest, with the
// ordinary scan and its layer cache), match the cluster's own components against advisories, and
// rank workloads by exposure.
import type { Misconfiguration, Report, ReportError, SecretFinding, Severity, Vulnerability } from "../model/index.js";
import { scan, type ScanOptions, type VulnScanOptions } from "../scan/index.js";
import { addVulnerabilities } from "../scan/vulns.js";
import { toolVersion } from "../version.js";
import { collectCluster, type CollectOptions } from "./collect.js";
import { componentPackages, componentsOf, type Component } from "./components.js";
import { rankRisks, type Risk, type VulnFacts } from "./exposure.js";
import type { ReachFunction } from "./reach.js";
import { celFindings, type CelPolicySet } from "./cel/index.js";
import { clusterObjects, runClusterRules, satisfiedLevel, violates, type ClusterPssConfig, type PssLevel } from "./rules.js";
import { kubectlRef, type ClusterSnapshot, type CollectError } from "./snapshot.js";
import { podImages, workloadsOf, type RunningImage } from "./workloads.js";
import { connect } from "./client.js";
import { credentialsFor, type RegistryCredential } from "./pull-secrets.js";
import type { K8sObject } from "./snapshot.js";

export interface ClusterScanOptions {
  /** Scan this snapshot instead of collecting one. */
  snapshot?: ClusterSnapshot;
  collect?: CollectOptions;
  /** Scan the running images (default true). */
  images?: boolean;
  /** Options of each image scan (scanners, cache, registry access, vuln options). */
  imageScan?: ScanOptions;
  /** Images scanned at once (default 2). */
  imageConcurrency?: number;
  /** Match API server / kubelet / runtime versions against advisories with these options (needs "vuln" in imageScan.scanners or this set alone). */
  components?: VulnScanOptions | false;
  /** Report only misconfigurations of these severities. */
  severities?: string[];
  /** Registry credentials from the pods' imagePullSecrets (reads Secrets through the API). */
  pullSecrets?: boolean;
  /** ServiceAccount reach for the ranking (default: the built-in simple check). */
  reach?: ReachFunction;
  /** Users' ValidatingAdmissionPolicies (CEL), applied to the live objects like the built-in rules. */
  celPolicies?: CelPolicySet;
  /**
   * The API server's PodSecurityConfiguration (--pss-config): its enforce default (level and
   * version) for namespaces without the labels, and its exempt namespaces and runtime classes,
   * whose workloads are reported as exempt instead of judged against a level.
   */
  pssConfig?: ClusterPssConfig;
  now?: Date;
  onImage?: (e: { ref: string; index: number; total: number; status: ImageResult["status"] }) => void;
  /** Each running image's full report as it is scanned (e.g. to send the inventory to the Bulwark server). */
  onImageReport?: (report: Report, image: ImageResult) => Promise<void>;
}

type Counts = Record<Severity, number>;

export interface WorkloadResult {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  serviceAccount: string;
  pods: number;
  images: RunningImage[];
  /** Findings by severity (the findings themselves are in `misconfigurations`, path = ref). */
  misconfigurations: Record<string, number>;
  /** `exempt` (PodSecurityConfiguration exemptions): why the workload is not judged against `enforce` ("namespace legacy", "runtimeClass gvisor"); violatesEnforce is then false. */
  pss: { level: PssLevel; enforce: PssLevel; version: string; violatesEnforce: boolean; exempt?: string };
  vulnerabilities: Counts & { fixable: number };
}

export interface ImageResult {
  digest: string;
  /** Pullable references (repo@digest) that name it. */
  references: string[];
  /** Workloads running it. */
  workloads: string[];
  status: "scanned" | "failed" | "not-scanned";
  error?: string;
  os?: string;
  packages: number;
  vulnerabilities: Vulnerability[];
  secrets: SecretFinding[];
  misconfigurations: Misconfiguration[];
}

export interface ComponentResult extends Component {
  /** Whether it was matched against advisories (only with the vuln scanner). */
  checked: boolean;
  vulnerabilities: Vulnerability[];
}

export interface NamespaceResult {
  name: string;
  /** `fromDefaults`: the level or version is the PodSecurityConfiguration's default; `exempt`: the configuration exempts the namespace. */
  pss: { enforce: PssLevel; labelled: boolean; version: string; invalid?: string[]; fromDefaults?: true; exempt?: true };
  workloads: number;
  /** Workloads whose pods fail the enforced level (created before the label, or templates whose pods the admission controller will refuse). */
  violating: number;
}

export interface ClusterScanReport {
  schemaVersion: 1;
  tool: { name: "bulwark"; version: string };
  kind: "kubernetes-cluster";
  cluster: {
    server: string;
    context?: string;
    version?: string;
    nodes: { name: string; kubelet?: string; runtime?: string; os?: string }[];
    collectedAt: string;
  };
  scope: "all-namespaces" | string[];
  namespaces: NamespaceResult[];
  workloads: WorkloadResult[];
  misconfigurations: Misconfiguration[];
  images: ImageResult[];
  components: ComponentResult[];
  risks: Risk[];
  errors: (ReportError & { resource?: string; namespace?: string; status?: number })[];
  summary: {
    workloads: number;
    pods: number;
    images: { total: number; scanned: number; failed: number; notScanned: number };
    misconfigurations: Counts;
    vulnerabilities: Counts;
  };
}

const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
const zero = (): Counts => ({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 });

function collectErrors(errors: CollectError[]): ClusterScanReport["errors"] {
  return errors.map((e) => ({
    source: "kubernetes-api",
    message: `${e.resource}${e.namespace ? ` in ${e.namespace}` : ""}: ${e.status ? `HTTP ${e.status}: ` : ""}${e.message}`,
    resource: e.resource,
    ...(e.namespace ? { namespace: e.namespace } : {}),
    ...(e.status ? { status: e.status } : {}),
  }));
}

export async function scanCluster(opts: ClusterScanOptions = {}): Promise<ClusterScanReport> {
  const now = opts.now ?? new Date();
  const snap = opts.snapshot ?? (await collectCluster(opts.collect));
  const workloads = workloadsOf(snap);
  const rules = runClusterRules(snap, workloads, opts.pssConfig);
  if (opts.celPolicies) {
    // Every object the built-in rules read, each workload through its top object (a Deployment,
    // not its ReplicaSets and pods), at its kubectl reference.
    const items = [...clusterObjects(snap), ...workloads.map((w) => w.obj)].map((obj) => ({ obj, path: kubectlRef(obj) }));
    const namespaces = new Map(snap.objects.namespaces.map((n) => [n.metadata.name, n]));
    rules.findings.push(...celFindings(items, opts.celPolicies, namespaces));
  }
  const findings = rules.findings.filter((f) => !opts.severities || opts.severities.includes(f.severity));
  const errors: ClusterScanReport["errors"] = [...collectErrors(snap.errors), ...rules.errors];

  // Findings per workload ref (all severities for the PSS level, whatever is reported).
  const byRef = new Map<string, Misconfiguration[]>();
  for (const f of rules.findings) {
    const list = byRef.get(f.path) ?? [];
    list.push(f);
    byRef.set(f.path, list);
  }

  // Images: one scan per digest.
  const images = new Map<string, ImageResult>();
  for (const w of workloads) {
    for (const img of w.images) {
      if (!img.digest || !img.pullRef) continue;
      let r = images.get(img.digest);
      if (!r) images.set(img.digest, (r = { digest: img.digest, references: [], workloads: [], status: "not-scanned", packages: 0, vulnerabilities: [], secrets: [], misconfigurations: [] }));
      if (!r.references.includes(img.pullRef)) r.references.push(img.pullRef);
      if (!r.workloads.includes(w.ref)) r.workloads.push(w.ref);
    }
  }
  const imageList = [...images.values()].sort((a, b) => (a.references[0]! < b.references[0]! ? -1 : 1));
  let credentials = new Map<string, RegistryCredential>();
  if (opts.images !== false && imageList.length > 0 && opts.pullSecrets) {
    const refs = new Map<string, K8sObject[]>();
    for (const pod of snap.objects.pods) {
      for (const img of podImages(pod)) {
        if (!img.pullRef) continue;
        const list = refs.get(img.pullRef) ?? [];
        list.push(pod);
        refs.set(img.pullRef, list);
      }
    }
    const client = opts.collect?.client ?? (await connect(opts.collect ?? {}));
    credentials = await credentialsFor(client, snap, refs, (message) => errors.push({ source: "pull-secret", message }));
  }
  if (opts.images !== false && imageList.length > 0) {
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < imageList.length) {
        const img = imageList[next++]!;
        const full = await scanImage(img, opts.imageScan ?? {}, credentials);
        if (full && opts.onImageReport) {
          try {
            await opts.onImageReport(full, img);
          } catch (e) {
            errors.push({ source: "upload", message: `${img.references[0]}: ${(e as Error).message}` });
          }
        }
        opts.onImage?.({ ref: img.references[0]!, index: ++done, total: imageList.length, status: img.status });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.imageConcurrency ?? 2, imageList.length)) }, worker));
  }
  for (const img of imageList) if (img.status === "failed") errors.push({ source: "image", message: `${img.references[0]}: ${img.error}` });

  // Kubernetes' own components.
  const components: ComponentResult[] = componentsOf(snap).map((c) => ({ ...c, checked: !!opts.components, vulnerabilities: [] }));
  if (opts.components && components.length > 0) {
    // kubelet and kube-proxy of one version are one package: matched once, reported for each.
    const packages = componentPackages(components).filter((p, i, all) => all.findIndex((q) => q.purl === p.purl) === i);
    const report = syntheticReport(snap.server, packages);
    await addVulnerabilities(report, opts.components, now);
    for (const v of report.vulnerabilities) {
      for (const c of components) {
        const purl = componentPackages([c])[0]!.purl;
        if (purl === v.package.purl && !c.vulnerabilities.some((x) => x.id === v.id && x.source.id === v.source.id)) c.vulnerabilities.push(v);
      }
    }
    for (const e of report.errors) errors.push(e);
  }

  // Per workload.
  const vulnFacts = new Map<string, VulnFacts>();
  const results: WorkloadResult[] = workloads.map((w) => {
    const mine = byRef.get(w.ref) ?? [];
    const counts: Record<string, number> = {};
    for (const f of mine) if (!opts.severities || opts.severities.includes(f.severity)) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    const policy = rules.pss.get(w.namespace) ?? { enforce: "privileged" as const, labelled: false, version: { minor: 0, label: "latest" } };
    const level = satisfiedLevel(mine);
    const runtimeClass = w.template?.spec.runtimeClassName;
    const exempt = policy.exempt ? `namespace ${w.namespace}` : typeof runtimeClass === "string" && opts.pssConfig?.exemptions.runtimeClasses.includes(runtimeClass) ? `runtimeClass ${runtimeClass}` : undefined;
    const vc = { ...zero(), fixable: 0 };
    const facts: VulnFacts = { critical: 0, criticalFixable: 0, high: 0, highFixable: 0, examples: [] };
    const seen = new Set<string>();
    for (const ri of w.images) {
      const img = ri.digest ? images.get(ri.digest) : undefined;
      if (!img || seen.has(img.digest)) continue;
      seen.add(img.digest);
      for (const v of img.vulnerabilities) {
        vc[v.severity]++;
        const fixable = v.fixedVersions.length > 0;
        if (fixable) vc.fixable++;
        if (v.severity === "CRITICAL") [facts.critical, facts.criticalFixable] = [facts.critical + 1, facts.criticalFixable + (fixable ? 1 : 0)];
        if (v.severity === "HIGH") [facts.high, facts.highFixable] = [facts.high + 1, facts.highFixable + (fixable ? 1 : 0)];
        if ((v.severity === "CRITICAL" || v.severity === "HIGH") && facts.examples.length < 3) facts.examples.push(`${v.id} (${v.severity}) in ${v.package.name} ${v.installedVersion}${fixable ? ` (fixed in ${v.fixedVersions.join(", ")})` : ""} [${img.references[0]}]`);
      }
    }
    vulnFacts.set(w.ref, facts);
    return {
      ref: w.ref,
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      serviceAccount: String(w.template?.spec.serviceAccountName ?? w.template?.spec.serviceAccount ?? "default"),
      pods: w.pods.length,
      images: w.images,
      misconfigurations: counts,
      pss: { level, enforce: policy.enforce, version: policy.version.label, violatesEnforce: !exempt && violates(level, policy.enforce), ...(exempt ? { exempt } : {}) },
      vulnerabilities: vc,
    };
  });
  results.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));

  const namespaces: NamespaceResult[] = [...rules.pss.entries()]
    .filter(([name]) => !snap.scope || snap.scope.includes(name))
    .map(([name, p]) => {
      const mine = results.filter((r) => r.namespace === name);
      const ns: NamespaceResult = { name, pss: { enforce: p.enforce, labelled: p.labelled, version: p.version.label }, workloads: mine.length, violating: mine.filter((r) => r.pss.violatesEnforce).length };
      if (p.invalid) ns.pss.invalid = p.invalid;
      if (p.fromDefaults) ns.pss.fromDefaults = true;
      if (p.exempt) ns.pss.exempt = true;
      return ns;
    })
    .sort((a, b) => cmp(a.name, b.name));

  const risks = rankRisks(snap, workloads, vulnFacts, opts.reach);
  const misCounts = zero();
  for (const f of findings) misCounts[f.severity]++;
  const vulnCounts = zero();
  for (const img of imageList) for (const v of img.vulnerabilities) vulnCounts[v.severity]++;
  for (const c of components) for (const v of c.vulnerabilities) vulnCounts[v.severity]++;

  const report: ClusterScanReport = {
    schemaVersion: 1,
    tool: { name: "bulwark", version: toolVersion() },
    kind: "kubernetes-cluster",
    cluster: {
      server: snap.server,
      ...(snap.context ? { context: snap.context } : {}),
      ...(snap.version ? { version: snap.version.gitVersion } : {}),
      nodes: snap.objects.nodes.map((n) => {
        const info = ((n.status as { nodeInfo?: Record<string, unknown> } | undefined)?.nodeInfo ?? {}) as Record<string, unknown>;
        const node: ClusterScanReport["cluster"]["nodes"][number] = { name: n.metadata.name };
        if (typeof info.kubeletVersion === "string") node.kubelet = info.kubeletVersion;
        if (typeof info.containerRuntimeVersion === "string") node.runtime = info.containerRuntimeVersion;
        if (typeof info.osImage === "string") node.os = info.osImage;
        return node;
      }),
      collectedAt: snap.collectedAt,
    },
    scope: snap.scope ?? "all-namespaces",
    namespaces,
    workloads: results,
    misconfigurations: findings.sort((a, b) => cmp(a.path, b.path) || cmp(a.ruleId, b.ruleId) || cmp(a.resource?.container ?? "", b.resource?.container ?? "")),
    images: imageList,
    components,
    risks,
    errors,
    summary: {
      workloads: results.length,
      pods: snap.objects.pods.length,
      images: { total: imageList.length, scanned: imageList.filter((i) => i.status === "scanned").length, failed: imageList.filter((i) => i.status === "failed").length, notScanned: imageList.filter((i) => i.status === "not-scanned").length },
      misconfigurations: misCounts,
      vulnerabilities: vulnCounts,
    },
  };
  return report;
}

async function scanImage(img: ImageResult, opts: ScanOptions, credentials: Map<string, RegistryCredential>): Promise<Report | undefined> {
  let lastError = "";
  // The same digest may be pullable from several repositories: the first that works is enough.
  for (const ref of img.references) {
    try {
      const cred = credentials.get(ref);
      const report = await scan(`registry:${ref}`, cred ? { ...opts, username: cred.username, password: cred.password } : opts);
      img.status = "scanned";
      delete img.error;
      img.packages = report.packages.length;
      img.vulnerabilities = report.vulnerabilities;
      img.secrets = report.secrets;
      img.misconfigurations = report.misconfigurations;
      if (report.artifact.os) img.os = `${report.artifact.os.family} ${report.artifact.os.version}`;
      return report;
    } catch (e) {
      lastError = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
    }
  }
  img.status = "failed";
  img.error = lastError;
  return undefined;
}

function syntheticReport(target: string, packages: Report["packages"]): Report {
  return { schemaVersion: 1, tool: { name: "bulwark", version: toolVersion() }, artifact: { target, type: "kubernetes", os: null, layers: [] }, packages, vulnerabilities: [], secrets: [], misconfigurations: [], errors: [] };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { SEVERITIES as K8S_SEVERITIES };
