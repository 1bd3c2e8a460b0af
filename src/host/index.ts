// `bulwark host [--root DIR]`: CIS Docker host/daemon and Kubernetes worker-node checks on a live
// host or a mounted root filesystem, in the misconfiguration shape, plus the container runtime
// components found there and their known escapes (docs/host.md).
import { UserError } from "../errors.js";
import type { Misconfiguration, Report } from "../model/index.js";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { HostContext } from "./context.js";
import { hostRules as rules } from "./rules/index.js";
import { scanRuntimes } from "./runtimes.js";
import type { HostFinding, HostReport, HostRuleMeta, RuleResult, RuntimeComponent } from "./types.js";
import type { VulnScanOptions } from "../index.js";

export type { HostFinding, HostReport, HostRuleMeta, RuleResult, RuntimeComponent, RuntimeVulnerability, HostNote } from "./types.js";
export { ESCAPES } from "./escapes.js";

export interface HostOptions {
  /** The root filesystem to check (default "/": the live host, whose processes are read too). */
  root?: string;
  /** Inventory the container runtimes (default true). */
  runtimes?: boolean;
  /** Match the runtimes against advisories (default true). */
  vulns?: boolean;
  vuln?: VulnScanOptions;
  now?: Date;
}

const RANK = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } as const;
export const RUNTIME_ESCAPE_RULE: HostRuleMeta = {
  id: "BW-HOST-100",
  title: "Container runtime with a known container escape",
  severity: "CRITICAL",
  remediation: "Upgrade the component to a fixed version (see fixedVersions) and restart the daemons and containers that use it",
  references: { urls: ["https://osv.dev"] },
};
export const RUNTIME_VULN_RULE: HostRuleMeta = {
  id: "BW-HOST-101",
  title: "Container runtime component with known vulnerabilities",
  severity: "HIGH",
  remediation: "Upgrade the component to a fixed version",
  references: { urls: ["https://osv.dev"] },
};

/** The rules' metadata, for `bulwark rules list` and docs. */
export function hostRules(): HostRuleMeta[] {
  return [...rules, RUNTIME_ESCAPE_RULE, RUNTIME_VULN_RULE].map((r) => ({ id: r.id, title: r.title, severity: r.severity, remediation: r.remediation, references: r.references }));
}

export async function checkHost(opts: HostOptions = {}): Promise<HostReport> {
  const root = resolve(opts.root ?? "/");
  let st;
  try {
    st = statSync(root);
  } catch (e) {
    throw new UserError("NOT_FOUND", `${root}: no such directory (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!st.isDirectory()) throw new UserError("INPUT", `${root}: not a directory`);
  const live = root === "/";
  const ctx = new HostContext(root, live);
  const findings: HostFinding[] = [];
  const results: RuleResult[] = [];
  for (const rule of rules) {
    let verdict;
    try {
      verdict = rule.check(ctx);
    } catch (e) {
      results.push({ ruleId: rule.id, status: "error", reason: (e as Error).message });
      ctx.notes.push({ ruleId: rule.id, message: `${rule.id} failed: ${(e as Error).message}` });
      continue;
    }
    if (!Array.isArray(verdict)) {
      results.push({ ruleId: rule.id, status: "not-applicable", reason: verdict.notApplicable });
      continue;
    }
    results.push({ ruleId: rule.id, status: verdict.length ? "fail" : "pass" });
    for (const h of verdict) {
      const f: HostFinding = { ruleId: rule.id, severity: h.severity ?? rule.severity, title: rule.title, message: redact(h.message), path: h.path, remediation: rule.remediation, references: rule.references, evidence: h.evidence.map(redact) };
      if (h.line !== undefined) f.line = h.line;
      findings.push(f);
    }
  }
  let runtimes: RuntimeComponent[] | undefined;
  if (opts.runtimes !== false) {
    const pathDirs = live ? (process.env.PATH ?? "").split(":").filter((d) => d.startsWith("/")) : [];
    const r = await scanRuntimes(ctx.root, { vulns: opts.vulns !== false, ...(opts.vuln ? { vuln: opts.vuln } : {}), pathDirs, ...(opts.now ? { now: opts.now } : {}) }, ctx.notes);
    runtimes = r.components;
    findings.push(...runtimeFindings(runtimes));
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const count = (s: keyof typeof RANK): number => findings.filter((f) => f.severity === s).length;
  const report: HostReport = {
    root,
    live,
    findings,
    results,
    summary: {
      total: findings.length, CRITICAL: count("CRITICAL"), HIGH: count("HIGH"), MEDIUM: count("MEDIUM"), LOW: count("LOW"),
      rules: rules.length, passed: results.filter((r) => r.status === "pass").length, notApplicable: results.filter((r) => r.status === "not-applicable").length,
    },
    notes: ctx.notes,
  };
  if (runtimes) report.runtimes = runtimes;
  return report;
}

/** Credentials in URLs (a mirror "http://user:pass@host", a -H with userinfo) never reach the report. */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, "$1***@");
}

/** One finding per known escape of a component, one per component for its other vulnerabilities. */
function runtimeFindings(components: RuntimeComponent[]): HostFinding[] {
  const out: HostFinding[] = [];
  for (const c of components) {
    const where = `${c.component} ${c.version} (${c.source === "os-package" ? `OS package ${c.purl ?? ""}` : c.source === "go-buildinfo" ? `Go build info of ${c.path}` : `version string in ${c.path}`})`;
    const others = c.vulnerabilities.filter((v) => !v.escape);
    for (const v of c.vulnerabilities) {
      if (!v.escape) continue;
      out.push({
        ...RUNTIME_ESCAPE_RULE,
        ruleId: RUNTIME_ESCAPE_RULE.id,
        message: `${c.component} ${c.version} is affected by ${v.id} (${v.escape.name}): ${v.escape.meaning}`,
        path: c.path,
        evidence: [where, `${v.source.id} (${v.source.ecosystem})${v.aliases.length ? ` aka ${v.aliases.join(", ")}` : ""}; fixed in ${v.fixedVersions.join(", ") || "no fixed version yet"}`],
      });
    }
    if (others.length) {
      const sev = others.some((v) => v.severity === "CRITICAL") ? "CRITICAL" : others.some((v) => v.severity === "HIGH") ? "HIGH" : others.some((v) => v.severity === "MEDIUM") ? "MEDIUM" : "LOW";
      out.push({
        ...RUNTIME_VULN_RULE,
        ruleId: RUNTIME_VULN_RULE.id,
        severity: sev,
        message: `${c.component} ${c.version} has ${others.length} known vulnerabilit${others.length === 1 ? "y" : "ies"}: ${others.slice(0, 8).map((v) => v.id).join(", ")}${others.length > 8 ? ", ..." : ""}`,
        path: c.path,
        evidence: [where, ...others.slice(0, 8).map((v) => `${v.id} ${v.severity}${v.fixedVersions.length ? `, fixed in ${v.fixedVersions.join(", ")}` : ""}`)],
      });
    }
  }
  return out;
}

/** The host report as a Report with misconfigurations only, for the shared writers (SARIF). */
export function hostAsReport(host: HostReport, tool: { name: "bulwark"; version: string }): Report {
  const misconfigurations: Misconfiguration[] = host.findings.map(({ evidence, ...f }) => ({ ...f, message: `${f.message} Evidence: ${evidence.join("; ")}` }));
  return {
    schemaVersion: 1,
    tool,
    artifact: { target: host.root, type: "host", os: null, layers: [] },
    packages: [],
    vulnerabilities: [],
    secrets: [],
    misconfigurations,
    errors: host.notes.map((n) => ({ source: n.ruleId ?? "host", message: n.message })),
  };
}

export function hostJson(host: HostReport): string {
  return JSON.stringify(host, null, 2) + "\n";
}

export function hostTable(host: HostReport): string {
  const out: string[] = [`Host ${host.root}${host.live ? " (live: processes read)" : ""}\n`];
  if (host.runtimes) {
    out.push(`\nContainer runtimes (${host.runtimes.length}):\n`);
    if (!host.runtimes.length) out.push("  none found\n");
    for (const c of host.runtimes) {
      const esc = c.vulnerabilities.filter((v) => v.escape).map((v) => v.id);
      out.push(`  ${c.component.padEnd(16)} ${clean(c.version).padEnd(24)} ${c.source.padEnd(14)} ${clean(c.path)}  ${c.checked ? `${c.vulnerabilities.length} vulnerabilities` : "not checked against advisories"}${esc.length ? ` (escapes: ${esc.join(", ")})` : ""}\n`);
    }
  }
  if (!host.findings.length) out.push("\nNo findings.\n");
  else {
    const sev = 8;
    const rule = Math.max(4, ...host.findings.map((f) => f.ruleId.length));
    out.push(`\n${"SEVERITY".padEnd(sev)}  ${"RULE".padEnd(rule)}  MESSAGE / EVIDENCE\n`);
    for (const f of host.findings) {
      out.push(`${f.severity.padEnd(sev)}  ${f.ruleId.padEnd(rule)}  ${clean(f.message)}${f.references.cis ? ` [${f.references.cis}]` : ""}\n`);
      for (const e of f.evidence) out.push(`${"".padEnd(sev + rule + 4)}  - ${clean(e)}\n`);
    }
  }
  const s = host.summary;
  out.push(`\n${s.total} finding${s.total === 1 ? "" : "s"} (CRITICAL ${s.CRITICAL}, HIGH ${s.HIGH}, MEDIUM ${s.MEDIUM}, LOW ${s.LOW}); ${s.rules} rules: ${s.passed} passed, ${s.rules - s.passed - s.notApplicable} failed or errored, ${s.notApplicable} not applicable\n`);
  if (host.notes.length) {
    out.push(`\nNotes (${host.notes.length}):\n`);
    for (const n of host.notes) out.push(`  ${clean(n.message)}\n`);
  }
  return out.join("");
}

/** Text from the host (file contents, command lines) on a terminal: no control characters. */
function clean(text: string): string {
  return text.replace(/\p{Cc}/gu, "?");
}
