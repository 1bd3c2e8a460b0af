// Misconfigurations and secrets for people: grouped by file, severity first.
import type { Misconfiguration, SecretFinding } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import { groupBy } from "../common/group.js";
import { type Palette, printable } from "./ansi.js";

const RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

function severity(s: string, c: Palette): string {
  const t = s.padEnd(8);
  return s === "CRITICAL" || s === "HIGH" ? c.red(t) : s === "MEDIUM" ? c.yellow(t) : c.dim(t);
}

function counts(items: { severity: string }[]): string {
  const n = (s: string): number => items.filter((i) => i.severity === s).length;
  return `CRITICAL ${n("CRITICAL")}, HIGH ${n("HIGH")}, MEDIUM ${n("MEDIUM")}, LOW ${n("LOW")}`;
}

function byFile<T extends { path: string; line?: number; severity: string; ruleId: string }>(items: T[]): Map<string, T[]> {
  const sorted = [...items].sort((a, b) => compareText(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || (RANK[a.severity] ?? 9) - (RANK[b.severity] ?? 9) || compareText(a.ruleId, b.ruleId));
  return groupBy(sorted, (i) => i.path);
}

export function misconfigSection(findings: Misconfiguration[], c: Palette): string[] {
  if (findings.length === 0) return ["No misconfigurations found."];
  const lines = [c.bold(`Misconfigurations: ${findings.length} (${counts(findings)})`)];
  for (const [path, items] of byFile(findings)) {
    lines.push("", c.bold(printable(path)));
    for (const m of items) {
      const where = m.line !== undefined ? `:${m.line}` : "";
      const res = m.resource ? ` [${[m.resource.kind, m.resource.namespace, m.resource.name, m.resource.container].filter(Boolean).join("/")}]` : "";
      const pss = m.references.pss ? c.dim(`  PSS ${m.references.pss.level}${m.references.pss.version ? ` ${m.references.pss.version}` : ""}: ${m.references.pss.control}`) : "";
      lines.push(`  ${severity(m.severity, c)} ${m.ruleId}${where}  ${printable(m.title)}${printable(res)}${pss}`);
      lines.push(`           ${printable(m.message)}`);
    }
  }
  return lines;
}

export function secretSection(findings: SecretFinding[], c: Palette): string[] {
  if (findings.length === 0) return [];
  const lines = [c.bold(`Secrets: ${findings.length} (${counts(findings)})`)];
  for (const [path, items] of byFile(findings)) {
    lines.push("", c.bold(printable(path)) + (items.some((i) => i.deleted) ? c.dim("  (deleted in a later layer, still in the image)") : ""));
    for (const s of items) lines.push(`  ${severity(s.severity, c)} ${s.ruleId}${s.line !== undefined ? `:${s.line}` : ""}  ${printable(s.title)}  ${printable(s.match)}`);
  }
  return lines;
}
