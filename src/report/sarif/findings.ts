// SARIF rules and results for misconfigurations and secrets (vulnerabilities are in sarif-writer).
import type { Misconfiguration, Report, SecretFinding } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import { BAND_SCORE, level } from "./severity.js";

type Json = Record<string, unknown>;

function uri(path: string): string {
  return path.replace(/^\/+/, "") || ".";
}

function region(line: number | undefined, endLine: number | undefined): Json | undefined {
  if (line === undefined || line < 1) return undefined;
  return { startLine: line, ...(endLine !== undefined && endLine >= line ? { endLine } : {}) };
}

export interface SarifPart {
  rules: Json[];
  results: Json[];
}

/** Rules and results; the rules will stand in the run's rule list from `firstRuleIndex` on. */
export function findingsPart(report: Report, firstRuleIndex: number): SarifPart {
  const mis = [...report.misconfigurations].sort((a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0));
  const sec = [...report.secrets].sort((a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0));
  const rules = new Map<string, Json>();
  for (const m of mis) if (!rules.has(m.ruleId)) rules.set(m.ruleId, misconfigRule(m));
  for (const s of sec) if (!rules.has(s.ruleId)) rules.set(s.ruleId, secretRule(s));
  // A config scan can have 100,000 results: look rule positions up instead of searching.
  const position = new Map([...rules.keys()].map((id, i) => [id, firstRuleIndex + i]));
  const ruleIndex = (id: string): number => position.get(id) as number;
  // Findings share their files: one artifactLocation object per path serves them all.
  const locations = new Map<string, Json>();
  const artifactLocation = (path: string): Json => {
    let l = locations.get(path);
    if (!l) locations.set(path, (l = { uri: uri(path) }));
    return l;
  };
  return {
    rules: [...rules.values()],
    results: [...mis.map((m) => misconfigResult(m, ruleIndex(m.ruleId), artifactLocation)), ...sec.map((s) => secretResult(s, ruleIndex(s.ruleId), artifactLocation))],
  };
}

function misconfigRule(m: Misconfiguration): Json {
  const refs = Object.entries(m.references).filter(([k]) => k !== "urls").map(([k, v]) => `${k}: ${k === "pss" ? pssText(m.references.pss!) : typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  return {
    id: m.ruleId,
    name: m.ruleId.replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: m.title },
    fullDescription: { text: `${m.title}. ${m.remediation}` },
    help: { text: [m.remediation, ...refs].join("\n"), markdown: [m.remediation, ...refs.map((r) => `- ${r}`)].join("\n") },
    ...(m.references.urls?.[0] ? { helpUri: m.references.urls[0] } : {}),
    defaultConfiguration: { level: level(m.severity) },
    properties: { "security-severity": BAND_SCORE[m.severity], tags: ["security", "misconfiguration", m.severity] },
  };
}

/** "Host Namespaces (Pod Security Standards baseline, v1.36)". */
export function pssText(p: NonNullable<Misconfiguration["references"]["pss"]>): string {
  return `${p.control} (Pod Security Standards ${p.level}${p.version ? `, ${p.version}` : ""})`;
}

function secretRule(s: SecretFinding): Json {
  return {
    id: s.ruleId,
    name: s.ruleId.replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: s.title },
    fullDescription: { text: `${s.title}: a credential stored in a file ships with the artifact. Remove it and rotate it.` },
    defaultConfiguration: { level: level(s.severity) },
    properties: { "security-severity": BAND_SCORE[s.severity], tags: ["security", "secret", s.severity] },
  };
}

function misconfigResult(m: Misconfiguration, ruleIndex: number, artifactLocation: (path: string) => Json): Json {
  const r = region(m.line, m.endLine);
  return {
    ruleId: m.ruleId,
    ruleIndex,
    level: level(m.severity),
    message: { text: m.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(m.path), ...(r ? { region: r } : {}) } }],
    partialFingerprints: { "bulwark/v1": `${m.ruleId}|${m.path}|${m.resource ? `${m.resource.kind}/${m.resource.namespace ?? ""}/${m.resource.name}/${m.resource.container ?? ""}` : m.line ?? ""}` },
  };
}

function secretResult(s: SecretFinding, ruleIndex: number, artifactLocation: (path: string) => Json): Json {
  const r = region(s.line, undefined);
  return {
    ruleId: s.ruleId,
    ruleIndex,
    level: level(s.severity),
    message: { text: `${s.title} in ${s.path}${s.line ? `:${s.line}` : ""}: ${s.match}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(s.path), ...(r ? { region: r } : {}) } }],
    partialFingerprints: { "bulwark/v1": `${s.ruleId}|${s.path}|${s.line ?? ""}` },
  };
}
