import type { Artifact, LayerInfo, Misconfiguration, OSInfo, Report, ReportError, UncheckedEcosystem } from "../../model/index.js";
import { compareText, sortedText } from "../common/compare.js";
import { jsonDocumentWriter } from "../common/json-pieces.js";
import { canonicalPackages } from "../common/packages.js";

// Bulwark's own format: the Report object itself. Objects are rebuilt field by field so keys
// come out in model order whatever order the producer set them in. See docs/report-format.md.

function os(info: OSInfo): OSInfo {
  return {
    family: info.family,
    version: info.version,
    ...(info.name !== undefined ? { name: info.name } : {}),
    ...(info.codename !== undefined ? { codename: info.codename } : {}),
    ...(info.prettyName !== undefined ? { prettyName: info.prettyName } : {}),
    ...(info.eol ? { eol: { date: info.eol.date, eol: info.eol.eol } } : {}),
  };
}

function layer(l: LayerInfo): LayerInfo {
  return {
    digest: l.digest,
    diffId: l.diffId,
    ...(l.createdBy !== undefined ? { createdBy: l.createdBy } : {}),
    ...(l.size !== undefined ? { size: l.size } : {}),
    ...(l.mediaType !== undefined ? { mediaType: l.mediaType } : {}),
  };
}

function artifact(a: Artifact): Artifact {
  return {
    target: a.target,
    type: a.type,
    ...(a.digest !== undefined ? { digest: a.digest } : {}),
    ...(a.names !== undefined ? { names: [...a.names] } : {}),
    ...(a.platform !== undefined ? { platform: a.platform } : {}),
    ...(a.created !== undefined ? { created: a.created } : {}),
    os: a.os ? os(a.os) : null,
    // Layer order is the image's own order (bottom first): meaningful, so never sorted.
    layers: a.layers.map(layer),
  };
}

function error(e: ReportError): ReportError {
  return {
    source: e.source,
    message: e.message,
    ...(e.path !== undefined ? { path: e.path } : {}),
    ...(e.layer !== undefined ? { layer: e.layer } : {}),
  };
}

function unchecked(list: UncheckedEcosystem[]): UncheckedEcosystem[] {
  return list
    .map((u) => ({ ecosystem: u.ecosystem, packages: u.packages, reason: u.reason, cause: u.cause }))
    .sort((a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.reason, b.reason));
}

function compareErrors(a: ReportError, b: ReportError): number {
  return (
    compareText(a.source, b.source) ||
    compareText(a.path ?? "", b.path ?? "") ||
    compareText(a.layer ?? "", b.layer ?? "") ||
    compareText(a.message, b.message)
  );
}

/** Findings of later scanners have no model yet: keep their order, sort their keys. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of sortedText(Object.keys(record))) out[key] = sortKeysDeep(record[key]);
    return out;
  }
  return value;
}

// Every field of the Misconfiguration model, in sorted order.
const MISCONFIGURATION_KEYS = ["endLine", "layer", "line", "message", "path", "references", "remediation", "resource", "ruleId", "severity", "title"] as const;
const KNOWN_MISCONFIGURATION_KEY = new Set<string>(MISCONFIGURATION_KEYS);

/**
 * sortKeysDeep for misconfigurations, built field by field in sorted order: a config scan can
 * report 100,000 findings, and sorting each one's keys was a third of the writer's time. Rule
 * references (and often resources) are shared by many findings, so each is sorted once. A finding with a
 * field outside the model takes the generic path, so the output is the same either way.
 */
function canonicalMisconfigurations(findings: Misconfiguration[]): Misconfiguration[] {
  const sortedShared = new Map<unknown, unknown>();
  const shared = (v: unknown): unknown => {
    let out = sortedShared.get(v);
    if (out === undefined) sortedShared.set(v, (out = sortKeysDeep(v)));
    return out;
  };
  return findings.map((m) => {
    if (!Object.keys(m).every((k) => KNOWN_MISCONFIGURATION_KEY.has(k))) return sortKeysDeep(m) as Misconfiguration;
    const out: Record<string, unknown> = {};
    for (const key of MISCONFIGURATION_KEYS) {
      const v = m[key];
      if (v !== undefined) out[key] = (key === "references" || key === "resource") && v !== null && typeof v === "object" ? shared(v) : sortKeysDeep(v);
    }
    return out as unknown as Misconfiguration;
  });
}

export function canonicalReport(report: Report): Report {
  return {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    artifact: artifact(report.artifact),
    packages: canonicalPackages(report.packages),
    vulnerabilities: report.vulnerabilities.map(sortKeysDeep) as Report["vulnerabilities"],
    ...(report.suppressed ? { suppressed: report.suppressed.map(sortKeysDeep) as NonNullable<Report["suppressed"]> } : {}),
    ...(report.unchecked ? { unchecked: unchecked(report.unchecked) } : {}),
    secrets: report.secrets.map(sortKeysDeep) as Report["secrets"],
    misconfigurations: canonicalMisconfigurations(report.misconfigurations),
    ...(report.attackSurface ? { attackSurface: sortKeysDeep(report.attackSurface) as NonNullable<Report["attackSurface"]> } : {}),
    // Errors arrive in whatever order layers and analyzers finished.
    errors: report.errors.map(error).sort(compareErrors),
  };
}

export const jsonWriter = jsonDocumentWriter("json", canonicalReport);
