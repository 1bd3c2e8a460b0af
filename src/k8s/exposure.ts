// The exposure graph and the risk ranking: Ingress / LoadBalancer / NodePort Service → the
// workloads whose pods the Service selects → their images' vulnerabilities → their
// ServiceAccount's reach → host access. Each workload gets points per link of that chain, so an
// internet-exposed pod with a fixable critical vulnerability, running as root, whose account can
// read every secret outranks a lone critical CVE in an unexposed batch job; the chain is kept as
// evidence.
import type { ClusterSnapshot, K8sObject } from "./snapshot.js";
import { kubectlRef } from "./snapshot.js";
import { simpleReach, type Reach, type ReachFunction } from "./reach.js";
import { selectorMatches, type Workload } from "./workloads.js";

export interface EntryPoint {
  /** "internet" (Ingress, LoadBalancer, external IPs) or "node" (NodePort: reachable on every node's address). */
  exposure: "internet" | "node";
  /** "ingress/web -n shop (shop.example/) -> service/web -n shop" */
  path: string;
}

export interface VulnFacts {
  critical: number;
  criticalFixable: number;
  high: number;
  highFixable: number;
  /** A few ids for the evidence ("CVE-2024-1234 in openssl 3.0.11 (fixed in 3.0.13)"). */
  examples: string[];
}

export interface HostAccess {
  privileged: boolean;
  hostPath: string[];
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  /** Containers that run as root (runAsUser 0, or no runAsNonRoot / non-zero runAsUser). */
  root: string[];
}

export interface RiskFactor {
  factor: "exposure" | "vulnerability" | "root" | "host-access" | "service-account";
  points: number;
  evidence: string;
}

export interface Risk {
  workload: string;
  namespace: string;
  score: number;
  /** Entry → workload → image → account → host, as lines to read top to bottom. */
  chain: string[];
  factors: RiskFactor[];
  entryPoints: EntryPoint[];
  serviceAccount: string;
  reach: Reach;
  host: HostAccess;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function hostAccess(w: Workload): HostAccess {
  const spec = w.template?.spec ?? {};
  const podSc = obj(spec.securityContext);
  const containers = [...arr(spec.initContainers), ...arr(spec.containers)].map(obj);
  const root: string[] = [];
  for (const c of containers) {
    const sc = obj(c.securityContext);
    const user = sc.runAsUser ?? podSc.runAsUser;
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (user === 0 || (nonRoot !== true && (user === undefined || user === null))) root.push(String(c.name ?? "?"));
  }
  return {
    privileged: containers.some((c) => obj(c.securityContext).privileged === true),
    hostPath: arr(spec.volumes).map(obj).filter((v) => v.hostPath).map((v) => String(obj(v.hostPath).path ?? "?")),
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    root,
  };
}

function labelsOf(w: Workload): Record<string, unknown>[] {
  const out = w.pods.map((p) => obj(p.metadata.labels));
  if (w.template) out.push(obj(w.template.metadata.labels));
  return out;
}

/** Entry points per workload ref. */
export function entryPoints(snap: ClusterSnapshot, workloads: Workload[]): Map<string, EntryPoint[]> {
  const byNs = new Map<string, Workload[]>();
  for (const w of workloads) {
    const list = byNs.get(w.namespace) ?? [];
    list.push(w);
    byNs.set(w.namespace, list);
  }
  const selected = (svc: K8sObject): Workload[] => {
    const sel = obj(obj(svc.spec).selector);
    if (Object.keys(sel).length === 0) return []; // no selector: endpoints are managed by hand
    return (byNs.get(svc.metadata.namespace ?? "default") ?? []).filter((w) => labelsOf(w).some((l) => selectorMatches({ matchLabels: sel }, l)));
  };
  const out = new Map<string, EntryPoint[]>();
  const add = (w: Workload, e: EntryPoint): void => {
    const list = out.get(w.ref) ?? [];
    if (!list.some((x) => x.path === e.path)) list.push(e);
    out.set(w.ref, list);
  };
  const services = new Map(snap.objects.services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  for (const svc of snap.objects.services) {
    const spec = obj(svc.spec);
    const type = String(spec.type ?? "ClusterIP");
    const ports = arr(spec.ports).map(obj);
    let e: EntryPoint | undefined;
    if (type === "LoadBalancer") e = { exposure: "internet", path: `${kubectlRef(svc)} (LoadBalancer${ports.length ? ` port ${ports.map((p) => p.port).join(",")}` : ""})` };
    else if (arr(spec.externalIPs).length > 0) e = { exposure: "internet", path: `${kubectlRef(svc)} (externalIPs ${arr(spec.externalIPs).join(",")})` };
    else if (type === "NodePort") e = { exposure: "node", path: `${kubectlRef(svc)} (NodePort ${ports.map((p) => p.nodePort ?? p.port).join(",")})` };
    if (e) for (const w of selected(svc)) add(w, e);
  }
  for (const ing of snap.objects.ingresses) {
    const spec = obj(ing.spec);
    const backends: { host: string; path: string; service: string }[] = [];
    const def = obj(obj(spec.defaultBackend).service);
    if (def.name) backends.push({ host: "*", path: "/", service: String(def.name) });
    for (const rule of arr(spec.rules).map(obj)) {
      for (const p of arr(obj(rule.http).paths).map(obj)) {
        const svc = obj(obj(p.backend).service);
        if (svc.name) backends.push({ host: String(rule.host ?? "*"), path: String(p.path ?? "/"), service: String(svc.name) });
      }
    }
    for (const b of backends) {
      const svc = services.get(`${ing.metadata.namespace}/${b.service}`);
      if (!svc) continue;
      for (const w of selected(svc)) add(w, { exposure: "internet", path: `${kubectlRef(ing)} (${b.host}${b.path}) -> ${kubectlRef(svc)}` });
    }
  }
  return out;
}

export const RISK_POINTS = {
  internet: 30,
  node: 20,
  criticalFixable: 25,
  critical: 20,
  highFixable: 12,
  high: 8,
  root: 10,
  privileged: 25,
  hostPath: 15,
  hostNamespace: 10,
  clusterAdmin: 30,
  allSecrets: 25,
  someSecrets: 10,
  createPods: 8,
} as const;

/**
 * Ranks workloads. `vulns` gives each workload's image facts (by ref); `reach` answers for its
 * ServiceAccount (the built-in simple check by default).
 */
export function rankRisks(snap: ClusterSnapshot, workloads: Workload[], vulns: Map<string, VulnFacts>, reach: ReachFunction = simpleReach): Risk[] {
  const entries = entryPoints(snap, workloads);
  const reachCache = new Map<string, Reach>();
  const out: Risk[] = [];
  for (const w of workloads) {
    const factors: RiskFactor[] = [];
    const chain: string[] = [];
    const eps = entries.get(w.ref) ?? [];
    const internet = eps.find((e) => e.exposure === "internet");
    const ep = internet ?? eps[0];
    if (ep) {
      factors.push({ factor: "exposure", points: RISK_POINTS[ep.exposure], evidence: `${ep.exposure === "internet" ? "reachable from outside the cluster" : "reachable on every node's address"} through ${ep.path}` });
      chain.push(`entry: ${ep.path}`);
    }
    chain.push(`workload: ${w.ref}`);
    const v = vulns.get(w.ref);
    if (v && (v.critical > 0 || v.high > 0)) {
      const pts = v.criticalFixable > 0 ? RISK_POINTS.criticalFixable : v.critical > 0 ? RISK_POINTS.critical : v.highFixable > 0 ? RISK_POINTS.highFixable : RISK_POINTS.high;
      const what = `${v.critical} critical (${v.criticalFixable} fixable), ${v.high} high (${v.highFixable} fixable) vulnerabilities`;
      factors.push({ factor: "vulnerability", points: pts, evidence: `${what}${v.examples.length ? `: ${v.examples.join("; ")}` : ""}` });
      chain.push(`image: ${what}${v.examples.length ? `, e.g. ${v.examples[0]}` : ""}`);
    }
    const host = hostAccess(w);
    if (host.root.length > 0) {
      factors.push({ factor: "root", points: RISK_POINTS.root, evidence: `runs as root: ${host.root.join(", ")}` });
      chain.push(`runs as root: ${host.root.join(", ")}`);
    }
    const sa = String(w.template?.spec.serviceAccountName ?? w.template?.spec.serviceAccount ?? "default");
    const saRef = `serviceaccount/${sa} -n ${w.namespace}`;
    const automount = w.template?.spec.automountServiceAccountToken;
    let r = reachCache.get(saRef);
    if (!r) reachCache.set(saRef, (r = reach({ kind: "ServiceAccount", name: sa, namespace: w.namespace }, snap)));
    // An account whose token the pod does not mount gives an attacker in the pod nothing.
    if (automount !== false) {
      let pts = 0;
      let what = "";
      if (r.clusterAdmin) [pts, what] = [RISK_POINTS.clusterAdmin, "is cluster-admin"];
      else if (r.secrets.includes("*")) [pts, what] = [RISK_POINTS.allSecrets, "can read every secret"];
      else if (r.secrets.length > 0) [pts, what] = [RISK_POINTS.someSecrets, `can read secrets in ${r.secrets.join(", ")}`];
      else if (r.createPods.length > 0) [pts, what] = [RISK_POINTS.createPods, `can create pods in ${r.createPods.join(", ")}`];
      if (pts > 0) {
        factors.push({ factor: "service-account", points: pts, evidence: `${saRef} ${what} (${r.evidence.join("; ")})` });
        chain.push(`account: ${saRef} ${what}`);
      }
    }
    const hostNotes: string[] = [];
    let hostPts = 0;
    if (host.privileged) [hostPts, hostNotes[hostNotes.length]] = [hostPts + RISK_POINTS.privileged, "privileged container"];
    if (host.hostPath.length) [hostPts, hostNotes[hostNotes.length]] = [hostPts + RISK_POINTS.hostPath, `hostPath ${host.hostPath.join(", ")}`];
    const ns = [host.hostNetwork && "hostNetwork", host.hostPID && "hostPID", host.hostIPC && "hostIPC"].filter((x): x is string => !!x);
    if (ns.length) [hostPts, hostNotes[hostNotes.length]] = [hostPts + RISK_POINTS.hostNamespace, ns.join(", ")];
    if (hostPts > 0) {
      factors.push({ factor: "host-access", points: hostPts, evidence: hostNotes.join("; ") });
      chain.push(`host: ${hostNotes.join("; ")}`);
    }
    const score = factors.reduce((n, f) => n + f.points, 0);
    // A workload whose only factor is running as root is not a risk worth ranking.
    if (factors.length === 0 || (factors.length === 1 && factors[0]!.factor === "root")) continue;
    out.push({ workload: w.ref, namespace: w.namespace, score, chain, factors, entryPoints: eps, serviceAccount: saRef, reach: r, host });
  }
  return out.sort((a, b) => b.score - a.score || (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
}
