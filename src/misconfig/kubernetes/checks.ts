// Small helpers shared by the rules: walking containers and building hits.
import type { RuleHit } from "../types.js";
import type { K8sDoc } from "./context.js";
import type { Resource } from "./resource.js";
import { kindLine, resourceRef } from "./resource.js";
import type { Container, Pod } from "./workload.js";
import { podOf } from "./workload.js";

export function hit(res: Resource, line: number | undefined, message: string, container?: string): RuleHit {
  const h: RuleHit = { message, resource: resourceRef(res, container) };
  h.line = line ?? kindLine(res);
  return h;
}

/** Runs `fn` on every container of a workload; non-workloads give no hits. */
export function eachContainer(doc: K8sDoc, fn: (c: Container, pod: Pod) => RuleHit | RuleHit[] | undefined): RuleHit[] {
  const pod = podOf(doc.res);
  if (!pod) return [];
  const out: RuleHit[] = [];
  for (const c of pod.containers) {
    const r = fn(c, pod);
    if (Array.isArray(r)) out.push(...r);
    else if (r) out.push(r);
  }
  return out;
}

/** A security context field with the container's value overriding the pod's. */
export function effective(c: Container, pod: Pod, key: string): unknown {
  return c.securityContext[key] !== undefined ? c.securityContext[key] : pod.securityContext[key];
}

/** Builds a Pod manifest for rule examples: extra lines are indented relative to their block. */
export function podYaml(opts: { container?: string[]; pod?: string[]; meta?: string[]; image?: string }): string {
  const ind = (n: number, lines: string[] = []) => lines.map((l) => " ".repeat(n) + l);
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: web",
    "  namespace: shop",
    ...ind(2, opts.meta),
    "spec:",
    ...ind(2, opts.pod),
    "  containers:",
    "    - name: app",
    `      image: ${opts.image ?? "registry.example.com/app:1.4.2"}`,
    ...ind(6, opts.container),
  ].join("\n");
}
