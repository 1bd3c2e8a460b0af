// Pod Security Standards and hardening rules on one admitted object: the `bulwark config`
// Kubernetes rules (src/misconfig/kubernetes), run on the object as the API server sent it.
import type { Misconfiguration } from "../model/index.js";
import { parsePssVersion, PSS_LATEST, scanKubernetesDetailed, type PssVersion } from "../misconfig/kubernetes/index.js";
import { UserError } from "../errors.js";

export type PssLevel = "privileged" | "baseline" | "restricted";
export const PSS_LEVELS: readonly PssLevel[] = ["privileged", "baseline", "restricted"];

export interface RuleSelection {
  /** Pod Security Standards level enforced ("privileged": none of its controls). */
  level: PssLevel;
  version: PssVersion;
  /** More rule ids of `bulwark config` (hardening beyond PSS, e.g. BW-K8S-021 CPU limits). */
  extraRules: Set<string>;
}

export function ruleSelection(level: string | undefined, version: string | undefined, extra: string[] = []): RuleSelection {
  const l = (level ?? "baseline") as PssLevel;
  if (!PSS_LEVELS.includes(l)) throw new UserError("USAGE", `--pss must be one of ${PSS_LEVELS.join(", ")}, got "${level}"`);
  const v = version === undefined ? PSS_LATEST : parsePssVersion(version);
  if (!v) throw new UserError("USAGE", `--pss-version must be "latest" or v1.N, got "${version}"`);
  for (const id of extra) if (!/^BW-K8S-\d{3}$/.test(id)) throw new UserError("USAGE", `--rules takes Kubernetes rule ids such as BW-K8S-021, got "${id}"`);
  return { level: l, version: v, extraRules: new Set(extra) };
}

function selected(f: Misconfiguration, sel: RuleSelection): boolean {
  if (sel.extraRules.has(f.ruleId)) return true;
  const pss = f.references.pss;
  if (!pss) return false;
  return sel.level === "restricted" || (sel.level === "baseline" && pss.level === "baseline");
}

export interface PodSecurityResult {
  findings: Misconfiguration[];
  /** Rules that failed on this object (should not happen; never a reason to deny by itself). */
  errors: string[];
}

/** Runs the selected rules on `obj` (a Pod or workload, with apiVersion and kind). */
export function checkPodSecurity(obj: Record<string, unknown>, label: string, sel: RuleSelection): PodSecurityResult {
  if (sel.level === "privileged" && sel.extraRules.size === 0) return { findings: [], errors: [] };
  // Pretty-printed JSON is what the fast reader reads line by line (as `kubectl get -o json`).
  const text = JSON.stringify(obj, null, 1);
  const scan = scanKubernetesDetailed([{ path: label, text }], { pss: sel.version });
  return { findings: scan.findings.filter((f) => selected(f, sel)), errors: scan.errors.map((e) => e.message) };
}
