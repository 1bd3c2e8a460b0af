// Kubernetes manifest scanning: parse every file, index cross-document facts once, run each rule per resource.
import type { Misconfiguration } from "../../model/index.js";
import { suppressedInFile, toFinding } from "../types.js";
import { buildIndex } from "./context.js";
import type { ParseError } from "./parse.js";
import { parseResources } from "./parse.js";
import type { Resource } from "./resource.js";
import { kubernetesRules } from "./rules/index.js";

export { kubernetesRules } from "./rules/index.js";
export type { ParseError } from "./parse.js";

export function isKubernetesCandidate(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

export interface KubernetesScan {
  findings: Misconfiguration[];
  /** Files or documents that looked like Kubernetes but could not be read. */
  errors: ParseError[];
}

export function scanKubernetesDetailed(files: { path: string; text: string }[]): KubernetesScan {
  const errors: ParseError[] = [];
  const resources: Resource[] = [];
  const texts = new Map<string, string>();
  for (const f of files) {
    texts.set(f.path, f.text);
    for (const r of parseResources(f.path, f.text, errors)) resources.push(r);
  }
  const index = buildIndex(resources);
  const findings: Misconfiguration[] = [];
  const lines = new Map<string, string[] | null>();
  for (const res of resources) {
    for (const rule of kubernetesRules) {
      let hits;
      try {
        hits = rule.check({ res, index });
      } catch (e) {
        // A rule tripping over an odd shape must not lose every other finding.
        errors.push({ path: res.path, message: `${rule.id} failed on ${res.kind} ${res.name}: ${(e as Error).message}` });
        continue;
      }
      for (const h of hits) {
        const fileLines = linesOf(res.path, texts, lines);
        if (fileLines && suppressedInFile(fileLines, h.line, rule.id)) continue;
        findings.push(toFinding(rule, h, res.path));
      }
    }
  }
  return { findings, errors };
}

/** Findings for all files together, so RBAC bindings and NetworkPolicies in one file apply to others. */
export function scanKubernetes(files: { path: string; text: string }[]): Misconfiguration[] {
  return scanKubernetesDetailed(files).findings;
}

// Splitting a file into lines is only worth it when it has suppression comments.
function linesOf(path: string, texts: Map<string, string>, cache: Map<string, string[] | null>): string[] | null {
  let v = cache.get(path);
  if (v === undefined) {
    const text = texts.get(path) ?? "";
    v = text.includes("bulwark:ignore") ? text.split(/\r?\n/) : null;
    cache.set(path, v);
  }
  return v;
}
