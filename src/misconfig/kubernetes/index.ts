// Kubernetes manifest scanning: files are parsed document by document, cross-document facts are
// indexed as they go, and each rule runs once per resource (scanner.ts).
import type { Misconfiguration } from "../../model/index.js";
import type { KubernetesScan, KubernetesScanOptions } from "./scanner.js";
import { KubernetesScanner } from "./scanner.js";

export { kubernetesRules } from "./rules/index.js";
export type { ParseError } from "./parse.js";
export { KubernetesScanner, kubernetesRulesFor } from "./scanner.js";
export type { KubernetesScan, KubernetesScanOptions } from "./scanner.js";
export { parsePssVersion, pssVersion, PSS_CONTROLS, PSS_LATEST, PSS_LATEST_MINOR, type PssVersion } from "./pss.js";

export function isKubernetesCandidate(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

export function scanKubernetesDetailed(files: { path: string; text: string }[], opts: KubernetesScanOptions = {}): KubernetesScan {
  const scanner = new KubernetesScanner(opts);
  for (const f of files) scanner.add(f.path, f.text);
  return scanner.finish();
}

/** Findings for all files together, so RBAC bindings and NetworkPolicies in one file apply to others. */
export function scanKubernetes(files: { path: string; text: string }[], opts: KubernetesScanOptions = {}): Misconfiguration[] {
  return scanKubernetesDetailed(files, opts).findings;
}
