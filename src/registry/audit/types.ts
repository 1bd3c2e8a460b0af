// Types of the registry audit: findings in the misconfiguration shape, rules, and the report.
import type { Misconfiguration, RuleReferences, RuleSeverity } from "../../model/index.js";
import type { AuditContext } from "./context.js";

/** A finding: the misconfiguration shape, where `path` is the URL probed, plus what was seen. */
export interface AuditFinding extends Misconfiguration {
  /** What the registry answered, one line per observation (never a credential or token). */
  evidence: string[];
}

export interface AuditRuleMeta {
  /** BW-REG-NNN */
  id: string;
  title: string;
  severity: RuleSeverity;
  remediation: string;
  references: RuleReferences;
}

export interface AuditHit {
  /** What is wrong here, one sentence. */
  message: string;
  /** The URL the evidence came from. */
  url: string;
  evidence: string[];
  /** Overrides the rule's severity for this hit. */
  severity?: RuleSeverity;
}

/** One rule, one file: probes through the shared context (memoised, bounded) and judges. */
export interface AuditRule extends AuditRuleMeta {
  check(ctx: AuditContext): Promise<AuditHit[]>;
}

/** A check that could not be decided (no answer, needs credentials, …): reported, never a pass. */
export interface AuditNote {
  ruleId?: string;
  message: string;
}

export interface AccessSummary {
  /** true/false when probed, absent when it could not be decided. */
  catalog?: boolean;
  pull?: boolean;
  /** Could start an upload (cancelled at once) in bulwark-audit-probe. */
  push?: boolean;
  /** Manifest deletes are enabled for this client (probed with a digest nobody has). */
  delete?: boolean;
}

export interface AuditReport {
  registry: string;
  /** The base URLs that answered: https and/or http. */
  endpoints: { https?: string; http?: string };
  findings: AuditFinding[];
  summary: { total: number; CRITICAL: number; HIGH: number; MEDIUM: number; LOW: number; rules: number; undecided: number };
  /** What anonymous clients (and, with credentials, the given user) could do. */
  access: { anonymous: AccessSummary; authenticated?: AccessSummary };
  /** Checks that could not be decided, and why. */
  notes: AuditNote[];
  tls?: TlsSummary;
}

export interface TlsSummary {
  protocol?: string;
  cipher?: string;
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  fingerprint256?: string;
  /** Node's verification error against the trusted roots (system + --ca-file), if any. */
  verifyError?: string;
  /** Legacy versions offered one at a time: accepted, refused, or not determined. */
  legacy?: Record<string, "accepted" | "refused" | "undetermined">;
}
