// Writers for a cluster scan: JSON (the report as it is), a table by namespace and workload, and
// SARIF through the ordinary SARIF writer (misconfigurations under `NAMESPACE/kind/name` URIs,
// vulnerabilities of images and components located at the image reference or component).
import type { Misconfiguration, Package, Report, Vulnerability } from "../model/index.js";
import { getWriter } from "../index.js";
import type { ClusterScanReport } from "./scan.js";

export const K8S_FORMATS = ["table", "json", "sarif"] as const;

export function writeClusterJson(report: ClusterScanReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/**
 * The same bytes as writeClusterJson, in pieces: large arrays item by item (in batches), so a
 * 100,000-finding report is never one string (nor JSON.stringify's buffer for it).
 */
export function* clusterJsonChunks(report: ClusterScanReport, opts: { compact?: boolean } = {}): Generator<string> {
  const keys = (Object.keys(report) as (keyof ClusterScanReport)[]).filter((k) => report[k] !== undefined);
  // Compact (one line, for uploads) or indented by two spaces (files), the same content.
  const c = !!opts.compact;
  const nl = (indent: string) => (c ? "" : `\n${indent}`);
  const json = (v: unknown, indent: string) => (c ? JSON.stringify(v) : JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`));
  yield "{";
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = report[key];
    const sep = k === keys.length - 1 ? "" : ",";
    yield `${nl("  ")}${JSON.stringify(key)}:${c ? "" : " "}`;
    if (Array.isArray(value) && value.length > 0) {
      let batch: string[] = ["["];
      for (let i = 0; i < value.length; i++) {
        batch.push(`${nl("    ")}${json(value[i], "    ")}${i === value.length - 1 ? "" : ","}`);
        if (batch.length >= 500) {
          yield batch.join("");
          batch = [];
        }
      }
      batch.push(`${nl("  ")}]`);
      yield batch.join("") + sep;
    } else yield json(value, "  ") + sep;
  }
  yield c ? "}" : "\n}\n";
}

/** `deployment/web -n shop` → `shop/deployment/web`; cluster-scoped `clusterrole/x` → `_cluster/clusterrole/x`. */
export function refToUri(ref: string): string {
  const m = /^([^/ ]+)\/(\S+?)(?: -n (\S+))?$/.exec(ref);
  if (!m) return ref.replace(/\s+/g, "_");
  return `${encodeURIComponent(m[3] ?? "_cluster")}/${encodeURIComponent(m[1]!)}/${encodeURIComponent(m[2]!)}`;
}

/** The cluster as one Report for the SARIF writer. */
export function clusterAsReport(report: ClusterScanReport): Report {
  const misconfigurations: Misconfiguration[] = report.misconfigurations.map((m) => ({ ...m, path: refToUri(m.path) }));
  const vulnerabilities: Vulnerability[] = [];
  const packages: Package[] = [];
  const seen = new Set<string>();
  const add = (v: Vulnerability, where: string): void => {
    const key = `${v.id}|${v.package.purl}|${where}`;
    if (seen.has(key)) return;
    seen.add(key);
    vulnerabilities.push(v);
    packages.push({ type: v.package.type as Package["type"], name: v.package.name, version: v.package.version, purl: v.package.purl, source: null, licenses: [], locations: [{ path: where }] });
  };
  for (const img of report.images) for (const v of img.vulnerabilities) add(v, img.references[0]!);
  for (const c of report.components) for (const v of c.vulnerabilities) add(v, c.component);
  return {
    schemaVersion: 1,
    tool: report.tool,
    artifact: { target: report.cluster.server, type: "kubernetes", os: null, layers: [] },
    packages,
    vulnerabilities,
    secrets: [],
    misconfigurations,
    errors: report.errors.map((e) => ({ source: e.source, message: e.message })),
  };
}

export async function writeClusterSarif(report: ClusterScanReport): Promise<string> {
  const out = await getWriter("sarif").write(clusterAsReport(report), {});
  return typeof out === "string" ? out : Buffer.from(out).toString("utf8");
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length));
const clean = (s: string): string => s.replace(/\p{Cc}/gu, "?");

function counts(c: Record<string, number>, keys = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]): string {
  const parts = keys.filter((k) => (c[k] ?? 0) > 0).map((k) => `${k[0]}:${c[k]}`);
  return parts.length ? parts.join(" ") : "-";
}

export function writeClusterTable(report: ClusterScanReport, opts: { topRisks?: number } = {}): string {
  const out: string[] = [];
  const c = report.cluster;
  out.push(`Cluster ${clean(c.server)}${c.context ? ` (context ${clean(c.context)})` : ""}${c.version ? `, API server ${clean(c.version)}` : ""}`);
  const s = report.summary;
  out.push(`${s.workloads} workloads, ${s.pods} pods, ${s.images.total} images (${s.images.scanned} scanned, ${s.images.failed} failed, ${s.images.notScanned} not scanned); misconfigurations ${counts(s.misconfigurations)}; vulnerabilities ${counts(s.vulnerabilities)}`);
  out.push("");
  const byNs = new Map<string, ClusterScanReport["workloads"]>();
  for (const w of report.workloads) byNs.set(w.namespace, [...(byNs.get(w.namespace) ?? []), w]);
  for (const ns of report.namespaces) {
    const ws = byNs.get(ns.name) ?? [];
    if (ws.length === 0) continue;
    out.push(`Namespace ${clean(ns.name)}  (Pod Security enforce: ${ns.pss.exempt ? "exempt (PodSecurityConfiguration)" : ns.pss.labelled ? ns.pss.enforce : ns.pss.fromDefaults ? `${ns.pss.enforce} (PodSecurityConfiguration default)` : "not set"}, version ${ns.pss.version}${ns.violating ? `; ${ns.violating} workload(s) violate it` : ""})`);
    const w1 = Math.max(8, ...ws.map((w) => w.ref.length - ` -n ${ns.name}`.length));
    out.push(`  ${pad("WORKLOAD", w1)}  PODS  ${pad("PSS", 22)}  ${pad("MISCONFIG", 18)}  VULNERABILITIES`);
    for (const w of ws) {
      const ref = w.ref.replace(` -n ${ns.name}`, "");
      const pss = `${w.pss.level}${w.pss.exempt ? " (exempt)" : w.pss.violatesEnforce ? ` (enforce ${w.pss.enforce}!)` : ""}`;
      out.push(`  ${pad(clean(ref), w1)}  ${pad(String(w.pods), 4)}  ${pad(pss, 22)}  ${pad(counts(w.misconfigurations), 18)}  ${counts(w.vulnerabilities)}${w.vulnerabilities.fixable ? ` (${w.vulnerabilities.fixable} fixable)` : ""}`);
    }
    out.push("");
  }
  const grouped = new Map<string, Misconfiguration[]>();
  for (const m of report.misconfigurations) grouped.set(m.path, [...(grouped.get(m.path) ?? []), m]);
  if (report.misconfigurations.length) {
    out.push("Misconfigurations");
    for (const [path, list] of grouped) {
      out.push(`  ${clean(path)}`);
      for (const m of list) out.push(`    ${m.ruleId}  ${pad(m.severity, 8)}  ${clean(m.message)}${m.references.pss ? `  [PSS ${m.references.pss.level} ${m.references.pss.version ?? ""}]` : ""}`);
    }
    out.push("");
  }
  if (report.components.length) {
    out.push("Kubernetes components");
    for (const comp of report.components) {
      out.push(`  ${pad(comp.component, 14)}  ${pad(clean(comp.reported), 24)}  ${!comp.checked ? "not checked (no vuln scanner)" : comp.vulnerabilities.length ? comp.vulnerabilities.map((v) => `${v.id} (${v.severity}${v.fixedVersions.length ? `, fixed in ${v.fixedVersions.join(", ")}` : ""})`).join(", ") : "no known vulnerabilities"}  [${clean(comp.where.join(", "))}]`);
    }
    out.push("");
  }
  const top = report.risks.slice(0, opts.topRisks ?? 10);
  if (top.length) {
    out.push("Top risks");
    top.forEach((r, i) => {
      out.push(`  ${i + 1}. ${clean(r.workload)}  score ${r.score}`);
      for (const line of r.chain) out.push(`       ${clean(line)}`);
    });
    out.push("");
  }
  if (report.errors.length) {
    out.push("Warnings");
    for (const e of report.errors) out.push(`  ${clean(e.message)}`);
    out.push("");
  }
  return out.join("\n");
}
