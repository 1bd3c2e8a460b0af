// The table view of a policy check: per image a header with its verdict, then one line per rule
// (verdict, reason) with its evidence indented below, then notes.
import type { PolicyCheckResult, Verdict } from "./types.js";

const MARK: Record<Verdict, string> = { pass: "PASS", fail: "FAIL", skipped: "SKIPPED", excepted: "EXCEPTED" };

export function formatPolicyTable(result: PolicyCheckResult, opts: { color?: boolean } = {}): string {
  const paint = (text: string, code: string): string => (opts.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const verdictColor = (v: string): string => (v === "pass" ? "32" : v === "fail" || v === "error" ? "31" : "33");
  const out: string[] = [];
  for (const img of result.images) {
    const shown = img.reference ?? img.image;
    out.push(`${paint(img.verdict.toUpperCase(), verdictColor(img.verdict))}  ${clean(shown)}${img.digest && !shown.includes(img.digest) ? ` (${img.digest})` : ""}`);
    const w = Math.max(4, ...img.rules.map((r) => r.rule.length));
    for (const r of img.rules) {
      out.push(`  ${r.rule.padEnd(w)}  ${paint(MARK[r.verdict].padEnd(8), verdictColor(r.verdict))}  ${clean(r.reason)}`);
      if (r.exception) out.push(`  ${"".padEnd(w)}            excepted by "${clean(r.exception.image)}" until ${r.exception.until}: ${clean(r.exception.reason)}`);
      for (const e of r.evidence) out.push(`  ${"".padEnd(w)}            - ${clean(e)}`);
    }
    if (img.error) out.push(`  error: ${clean(img.error)}`);
    for (const n of img.notes) out.push(`  note: ${clean(n)}`);
    out.push("");
  }
  const s = result.summary;
  out.push(`${s.images} ${s.images === 1 ? "image" : "images"}: ${s.passed} passed, ${s.failed} failed${s.errors ? `, ${s.errors} could not be checked` : ""}${result.policy ? ` (policy ${clean(result.policy)})` : ""}`);
  return out.join("\n") + "\n";
}

function clean(s: string): string {
  return s.replace(/\p{Cc}+/gu, " ");
}
