// `bulwark registry audit`: probes a live registry's own posture and reports misconfiguration
// findings (BW-REG-NNN). Probes are bounded (a time limit per request, capped bodies) and leave no
// data: the one upload started is cancelled at once, the one DELETE names a digest nobody has.
import { UserError } from "../../errors.js";
import type { Misconfiguration, Report } from "../../model/index.js";
import { AuditContext, type AuditOptions } from "./context.js";
import { ProbeError } from "./http.js";
import { auditRules } from "./rules/index.js";
import { oneLine } from "./tls.js";
import type { AuditFinding, AuditReport, AuditRuleMeta, TlsSummary } from "./types.js";

export type { AuditOptions } from "./context.js";
export type { AuditFinding, AuditReport, AuditRuleMeta, AuditNote, AccessSummary, TlsSummary } from "./types.js";
export { PROBE_REPOSITORY } from "./context.js";

const RANK = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } as const;

/** The rules' metadata, for `bulwark rules list`. */
export function registryAuditRules(): AuditRuleMeta[] {
  return auditRules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, remediation: r.remediation, references: r.references }));
}

export async function auditRegistry(registry: string, opts: AuditOptions = {}): Promise<AuditReport> {
  if (opts.timeoutSeconds !== undefined && !(opts.timeoutSeconds > 0 && opts.timeoutSeconds <= 600)) {
    throw new UserError("USAGE", `--timeout must be a number of seconds between 0 and 600, got ${opts.timeoutSeconds}`);
  }
  const ctx = new AuditContext(registry, opts);
  const base = await ctx.base();
  if (!base) {
    const why = [await ctx.httpsV2(), await ctx.httpV2()].map((r) => (r instanceof ProbeError ? r.message : `${r.method} ${r.url.origin}${r.url.pathname} -> ${r.status} (not a registry answer)`));
    throw new UserError("NETWORK", `no registry answered at ${ctx.target.name}: ${why.join("; ")}`);
  }
  const findings: AuditFinding[] = [];
  for (const rule of auditRules) {
    let hits;
    try {
      hits = await rule.check(ctx);
    } catch (e) {
      if (e instanceof UserError) throw e;
      ctx.note(`${rule.id} failed: ${(e as Error).message}`, rule.id);
      continue;
    }
    for (const h of hits) {
      findings.push({
        ruleId: rule.id,
        severity: h.severity ?? rule.severity,
        title: rule.title,
        message: h.message,
        path: h.url,
        remediation: rule.remediation,
        references: rule.references,
        evidence: h.evidence,
      });
    }
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const count = (s: keyof typeof RANK): number => findings.filter((f) => f.severity === s).length;
  const endpoints: AuditReport["endpoints"] = {};
  if (await ctx.httpsServed()) endpoints.https = ctx.target.httpsUrl.href;
  if (await ctx.httpServed()) endpoints.http = ctx.target.httpUrl.href;
  const report: AuditReport = {
    registry: ctx.target.name,
    endpoints,
    findings,
    summary: { total: findings.length, CRITICAL: count("CRITICAL"), HIGH: count("HIGH"), MEDIUM: count("MEDIUM"), LOW: count("LOW"), rules: auditRules.length, undecided: ctx.notes.length },
    access: ctx.access,
    notes: ctx.notes,
  };
  const tls = await tlsSummary(ctx);
  if (tls) report.tls = tls;
  return report;
}

async function tlsSummary(ctx: AuditContext): Promise<TlsSummary | undefined> {
  if (!(await ctx.httpsServed())) return undefined;
  const t = await ctx.tls();
  if (t instanceof ProbeError) return undefined;
  const leaf = t.certs.chain[0]!;
  const legacy: NonNullable<TlsSummary["legacy"]> = {};
  for (const v of ["TLSv1", "TLSv1.1"] as const) legacy[v] = (await ctx.legacy(v)).state;
  return {
    protocol: t.protocol,
    cipher: t.cipher,
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    validFrom: leaf.validFrom,
    validTo: leaf.validTo,
    fingerprint256: leaf.fingerprint256,
    ...(t.verifyError ? { verifyError: t.verifyError } : {}),
    legacy,
  };
}

/** The audit as a Report with misconfigurations only, for the shared writers (SARIF). */
export function auditAsReport(audit: AuditReport, tool: { name: "bulwark"; version: string }): Report {
  const misconfigurations: Misconfiguration[] = audit.findings.map((f) => ({ ...f, message: `${f.message} Evidence: ${f.evidence.join("; ")}` }));
  return {
    schemaVersion: 1,
    tool,
    artifact: { target: audit.registry, type: "registry", os: null, layers: [] },
    packages: [],
    vulnerabilities: [],
    secrets: [],
    misconfigurations,
    errors: audit.notes.map((n) => ({ source: n.ruleId ?? "registry-audit", message: n.message })),
  };
}

/** `{ registry, findings, summary, ... }`, two-space indented. */
export function auditJson(audit: AuditReport): string {
  return JSON.stringify(audit, null, 2) + "\n";
}

/** A table: severity, rule, title, evidence; then undecided checks. */
export function auditTable(audit: AuditReport): string {
  const out: string[] = [];
  const ends = [audit.endpoints.https, audit.endpoints.http].filter(Boolean).join(", ");
  out.push(`Registry ${audit.registry} (${ends})\n`);
  if (audit.findings.length === 0) {
    out.push("\nNo findings.\n");
  } else {
    const sev = Math.max(8, ...audit.findings.map((f) => f.severity.length));
    const rule = Math.max(4, ...audit.findings.map((f) => f.ruleId.length));
    const title = Math.max(5, ...audit.findings.map((f) => f.title.length));
    out.push(`\n${"SEVERITY".padEnd(sev)}  ${"RULE".padEnd(rule)}  ${"TITLE".padEnd(title)}  EVIDENCE\n`);
    for (const f of audit.findings) {
      const [first, ...rest] = f.evidence.length ? f.evidence : [""];
      out.push(`${f.severity.padEnd(sev)}  ${f.ruleId.padEnd(rule)}  ${f.title.padEnd(title)}  ${clean(first!)}\n`);
      for (const e of rest) out.push(`${"".padEnd(sev + rule + title + 6)}${clean(e)}\n`);
    }
  }
  const s = audit.summary;
  out.push(`\n${s.total} finding${s.total === 1 ? "" : "s"} (CRITICAL ${s.CRITICAL}, HIGH ${s.HIGH}, MEDIUM ${s.MEDIUM}, LOW ${s.LOW}) from ${s.rules} rules\n`);
  if (audit.notes.length) {
    out.push(`\nNot decided (${audit.notes.length}):\n`);
    for (const n of audit.notes) out.push(`  ${n.ruleId ? `${n.ruleId}: ` : ""}${clean(n.message)}\n`);
  }
  return out.join("");
}

/** Registry-supplied text on a terminal: no control characters. */
function clean(text: string): string {
  return text.replace(/\p{Cc}/gu, "?");
}
