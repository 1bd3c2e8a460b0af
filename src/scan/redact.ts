// One redaction pass over a finished report: every string of it (layer history lines, LayerRefs
// in packages, vulnerabilities and findings, misconfiguration messages, errors, …) has each
// detected secret replaced by "*****", before any writer sees it. Driven by the secret strings
// the secret rules found in the image config (env, labels, history, command) or in the config
// files scanned, so no writer needs to know about secrets, and text a rule shortened
// (`git clone https://ghp_abc...`) is covered too.
import type { Report } from "../model/index.js";
import { Redactor } from "../secrets/index.js";

// The secrets detected for a report, kept so that findings added later (vulnerabilities, the
// misconfigurations of a project tree) are redacted with the same set.
const detected = new WeakMap<Report, Redactor>();

/** Redacts `secrets` everywhere in `report` (in place) and remembers them for `redactAgain`. */
export function redactReport(report: Report, secrets: Iterable<string>): void {
  const redactor = new Redactor(secrets);
  if (redactor.empty) return;
  detected.set(report, redactor);
  walk(report, redactor, new Set());
}

/** Redacts the secrets detected earlier for this report in what was added since. */
export function redactAgain(report: Report): void {
  const redactor = detected.get(report);
  if (redactor) walk(report, redactor, new Set());
}

function walk(node: unknown, r: Redactor, seen: Set<object>): void {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i];
      if (typeof v === "string") node[i] = r.redact(v);
      else walk(v, r, seen);
    }
    return;
  }
  const obj = node as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (typeof v === "string") {
      const out = r.redact(v);
      if (out !== v) obj[k] = out;
    } else walk(v, r, seen);
  }
}
