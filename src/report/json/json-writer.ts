import type { Artifact, LayerInfo, OSInfo, Report, ReportError } from "../../model/index.js";
import { compareText, sortedText } from "../common/compare.js";
import { canonicalPackages } from "../common/packages.js";
import type { ReportWriter } from "../types.js";

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

export function canonicalReport(report: Report): Report {
  return {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    artifact: artifact(report.artifact),
    packages: canonicalPackages(report.packages),
    vulnerabilities: report.vulnerabilities.map(sortKeysDeep) as Report["vulnerabilities"],
    ...(report.suppressed ? { suppressed: report.suppressed.map(sortKeysDeep) as NonNullable<Report["suppressed"]> } : {}),
    secrets: report.secrets.map(sortKeysDeep) as Report["secrets"],
    misconfigurations: report.misconfigurations.map(sortKeysDeep) as Report["misconfigurations"],
    ...(report.attackSurface ? { attackSurface: sortKeysDeep(report.attackSurface) as NonNullable<Report["attackSurface"]> } : {}),
    // Errors arrive in whatever order layers and analyzers finished.
    errors: report.errors.map(error).sort(compareErrors),
  };
}

export const jsonWriter: ReportWriter = {
  format: "json",
  write(report: Report): string {
    return `${JSON.stringify(canonicalReport(report), null, 2)}\n`;
  },
};
