// Types of `bulwark host`: findings in the misconfiguration shape with the evidence seen, rules,
// per-rule results and the report.
import type { Misconfiguration, RuleReferences, RuleSeverity, Severity } from "../model/index.js";
import type { HostContext } from "./context.js";

/** A finding: the misconfiguration shape (`path` = the file or process the evidence came from). */
export interface HostFinding extends Misconfiguration {
  /** What was seen, one line each: file and line, flag and its source, mode and owner. */
  evidence: string[];
}

export interface HostRuleMeta {
  /** BW-HOST-NNN */
  id: string;
  title: string;
  severity: RuleSeverity;
  remediation: string;
  /** `cis` names the benchmark section, e.g. "CIS Docker 2.2" or "CIS Kubernetes 4.2.1". */
  references: RuleReferences;
}

export interface HostHit {
  message: string;
  /** The file (path inside the root) or process the evidence came from. */
  path: string;
  line?: number;
  evidence: string[];
  severity?: RuleSeverity;
}

/** What a rule decided: hits (maybe none = pass), or not applicable with the reason. */
export type HostVerdict = HostHit[] | { notApplicable: string };

export interface HostRule extends HostRuleMeta {
  check(ctx: HostContext): HostVerdict;
}

export interface RuleResult {
  ruleId: string;
  status: "pass" | "fail" | "not-applicable" | "error";
  reason?: string;
}

/** A container runtime component found on the host. */
export interface RuntimeComponent {
  /** runc, crun, containerd, containerd-shim-runc-v2, dockerd, docker, cri-o, podman, kubelet, kube-proxy */
  component: string;
  version: string;
  /** How the version was learnt. */
  source: "os-package" | "go-buildinfo" | "version-string";
  /** The file (binary or package database) it came from, inside the root. */
  path: string;
  purl?: string;
  /** The OS package's name, for source "os-package" (docker.io, containerd.io, ...). */
  package?: string;
  /** False when no advisory was looked at for it (no database, an ecosystem without records, no purl): not clean. */
  checked: boolean;
  vulnerabilities: RuntimeVulnerability[];
}

export interface RuntimeVulnerability {
  id: string;
  aliases: string[];
  severity: Severity;
  fixedVersions: string[];
  title?: string;
  /** The advisory that matched and its ecosystem. */
  source: { id: string; ecosystem: string };
  /** A known container escape: its common name and what it lets a container do. */
  escape?: { name: string; meaning: string };
}

export interface HostNote {
  ruleId?: string;
  message: string;
}

export interface HostReport {
  root: string;
  /** True when checking the machine Bulwark runs on (root "/"): processes are read too. */
  live: boolean;
  findings: HostFinding[];
  results: RuleResult[];
  /** Present when the runtime inventory ran. */
  runtimes?: RuntimeComponent[];
  summary: { total: number; CRITICAL: number; HIGH: number; MEDIUM: number; LOW: number; rules: number; passed: number; notApplicable: number };
  notes: HostNote[];
}
