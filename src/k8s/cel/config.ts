// `bulwark config --policy-dir DIR`: users' ValidatingAdmissionPolicies applied to the manifests
// on disk, reported as misconfigurations (rule id = the policy's name).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import type { Misconfiguration, ReportError, RuleSeverity } from "../../model/index.js";
import { collectObjects, MAX_FILE_BYTES, type K8sObject } from "../rbac/objects.js";
import { evaluateCelPolicies, loadCelPolicies, type CelPolicySet } from "./policy.js";

const SEVERITIES: RuleSeverity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
/** Annotations a policy may carry for the report. */
export const SEVERITY_ANNOTATION = "bulwark.dev/severity";
export const TITLE_ANNOTATION = "bulwark.dev/title";

interface Located {
  obj: K8sObject;
  path: string;
  line: number;
}

function manifests(paths: string[], errors: ReportError[]): Located[] {
  const out: Located[] = [];
  const file = (p: string, rel: string) => {
    let text: string;
    try {
      if (statSync(p).size > MAX_FILE_BYTES) {
        errors.push({ source: "cel", message: `skipped: larger than ${MAX_FILE_BYTES} bytes`, path: rel });
        return;
      }
      text = readFileSync(p, "utf8");
    } catch (e) {
      errors.push({ source: "cel", message: (e as Error).message, path: rel });
      return;
    }
    const lc = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
      if (doc.errors.length > 0) continue; // bulwark config reports unparsable files already
      const line = doc.contents?.range ? lc.linePos(doc.contents.range[0]).line : 1;
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch {
        continue;
      }
      for (const obj of collectObjects(value)) out.push({ obj, path: rel, line });
    }
  };
  const walk = (p: string, root: string, top: boolean) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith(".") && e !== "node_modules") walk(join(p, e), root, false);
    } else if (st.isFile() && (top || /\.(ya?ml|json)$/i.test(p))) file(p, top ? p : relative(root, p) || p);
  };
  for (const p of paths) walk(p, p, true);
  return out;
}

/** Applies the policies under `policyDir` to the Kubernetes objects in `paths`. */
export function celMisconfigurations(paths: string[], policyDir: string | CelPolicySet, opts: { severities?: string[] } = {}): { misconfigurations: Misconfiguration[]; errors: ReportError[] } {
  const policies = typeof policyDir === "string" ? loadCelPolicies(policyDir) : policyDir;
  const errors: ReportError[] = [];
  const found = manifests(paths, errors);
  const namespaces = new Map(found.filter((f) => f.obj.kind === "Namespace" && f.obj.metadata?.name).map((f) => [f.obj.metadata!.name!, f.obj]));
  return { misconfigurations: celFindings(found, policies, namespaces, opts), errors };
}

/**
 * The policies' violations by the objects, as misconfigurations at each object's `path` (and
 * `line`, for files): for manifests on disk, and for live objects (`bulwark k8s scan`, where
 * the path is the object's kubectl reference).
 */
export function celFindings(items: { obj: K8sObject; path: string; line?: number }[], policies: CelPolicySet, namespaces: Map<string, K8sObject>, opts: { severities?: string[] } = {}): Misconfiguration[] {
  const byName = new Map(policies.policies.map((p) => [p.name, p]));
  const objects = items.map((x) => x.obj);
  const misconfigurations: Misconfiguration[] = [];
  for (const f of items) {
    // Policies themselves and their bindings are not checked against policies.
    if (f.obj.kind === "ValidatingAdmissionPolicy" || f.obj.kind === "ValidatingAdmissionPolicyBinding") continue;
    for (const v of evaluateCelPolicies(f.obj, { policies, namespaces, objects })) {
      const p = byName.get(v.policy);
      const sevText = (p?.annotations[SEVERITY_ANNOTATION] ?? "").toUpperCase() as RuleSeverity;
      const severity: RuleSeverity = v.error ? "MEDIUM" : SEVERITIES.includes(sevText) ? sevText : "MEDIUM";
      if (opts.severities && !opts.severities.includes(severity)) continue;
      const md = f.obj.metadata ?? {};
      const resource: Misconfiguration["resource"] = { kind: String(f.obj.kind), name: md.name ?? "" };
      if (md.namespace) resource.namespace = md.namespace;
      const finding: Misconfiguration = {
        ruleId: v.policy,
        severity,
        title: p?.annotations[TITLE_ANNOTATION] ?? `ValidatingAdmissionPolicy ${v.policy}`,
        message: `${v.message}${v.binding ? ` (binding ${v.binding}, ${v.actions.join(",")})` : ""}`,
        path: f.path,
        ...(f.line !== undefined ? { line: f.line } : {}),
        resource,
        remediation: v.error ? "Fix the policy expression or the object so that it evaluates" : `Change the object so that ${v.expression ?? "the policy"} holds`,
        references: {},
      };
      misconfigurations.push(finding);
    }
  }
  return misconfigurations;
}

/** Adds CEL findings to a `bulwark config` report, keeping its order (by path, then line). */
export function addCelFindings(report: { misconfigurations: Misconfiguration[]; errors: ReportError[] }, cel: { misconfigurations: Misconfiguration[]; errors: ReportError[] }): void {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  report.misconfigurations.push(...cel.misconfigurations);
  report.misconfigurations.sort((a, b) => cmp(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || cmp(a.ruleId, b.ruleId));
  report.errors.push(...cel.errors);
}
