// The vulnerability part of the table view: findings grouped by package, totals by severity,
// what each layer brought in, and how many findings were suppressed.
import type { Artifact, Report, Severity, Vulnerability } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import { SEVERITY_RANK as RANK } from "../common/findings.js";
import { groupBy } from "../common/group.js";
import { type Palette, printable } from "./ansi.js";

const SEVERITIES: readonly Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
const COLUMNS = ["PACKAGE", "INSTALLED", "LAYER", "FIXED", "ID", "SEVERITY", "TITLE"] as const;
const SEVERITY_COLUMN = COLUMNS.indexOf("SEVERITY");
const GAP = "  ";
const TITLE_MAX = 80;
const CREATED_BY_MAX = 60;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function paint(severity: Severity, text: string, c: Palette): string {
  if (severity === "CRITICAL") return c.bold(c.red(text));
  if (severity === "HIGH") return c.red(text);
  if (severity === "MEDIUM") return c.yellow(text);
  return severity === "LOW" ? text : c.dim(text);
}

function fixedColumn(v: Vulnerability): string {
  if (v.fixedVersions.length > 0) return v.fixedVersions.join(", ");
  return v.status === "will_not_fix" ? "(won't fix)" : "-";
}

const packageKey = (v: Vulnerability) => `${v.package.purl}\u0000${v.package.name}\u0000${v.package.version}\u0000${v.package.layer?.diffId ?? ""}`;

function layerIndex(artifact: Artifact, v: Vulnerability): number {
  const layer = v.package.layer;
  return layer ? artifact.layers.findIndex((l) => l.diffId === layer.diffId || l.digest === layer.digest) : -1;
}

/** Groups by installed package (two copies of one module are two groups), most severe first. */
function groups(artifact: Artifact, vulns: readonly Vulnerability[]): Vulnerability[][] {
  const byPackage = groupBy(vulns, packageKey);
  const worst = (g: Vulnerability[]) => Math.max(...g.map((v) => RANK[v.severity]));
  const list = [...byPackage.values()].map((g) =>
    [...g].sort((a, b) => RANK[b.severity] - RANK[a.severity] || compareText(a.id, b.id) || compareText(a.source.id, b.source.id)),
  );
  return list.sort(
    (a, b) =>
      worst(b) - worst(a) ||
      compareText(a[0]!.package.name, b[0]!.package.name) ||
      compareText(a[0]!.package.version, b[0]!.package.version) ||
      layerIndex(artifact, a[0]!) - layerIndex(artifact, b[0]!) ||
      compareText(packageKey(a[0]!), packageKey(b[0]!)),
  );
}

/** `#n`, the layer's 1-based position in the image (bottom first), or `-`. */
function layerNumber(artifact: Artifact, v: Vulnerability): string {
  const i = layerIndex(artifact, v);
  return i < 0 ? "-" : `#${i + 1}`;
}

function findingsTable(artifact: Artifact, vulns: readonly Vulnerability[], c: Palette): string[] {
  const rows: { cells: string[]; severity: Severity }[] = [];
  for (const group of groups(artifact, vulns)) {
    group.forEach((v, i) => {
      const first = i === 0;
      rows.push({
        severity: v.severity,
        cells: [
          first ? v.package.name : "",
          first ? v.installedVersion : "",
          first ? layerNumber(artifact, v) : "",
          fixedColumn(v),
          v.id,
          v.severity,
          shorten(v.title ?? "", TITLE_MAX),
        ].map(printable),
      });
    });
  }
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((r) => (r.cells[i] as string).length)));
  // Pad before colouring so escape codes do not count as width; the last column is not padded.
  const line = (cells: readonly string[], style: (s: string, i: number) => string) =>
    cells
      .map((cell, i) => style(i < cells.length - 1 ? cell.padEnd(widths[i] as number) : cell, i))
      .join(GAP)
      .trimEnd();
  return [
    line(COLUMNS, (s) => c.bold(s)),
    ...rows.map((r) => line(r.cells, (s, i) => (i === SEVERITY_COLUMN ? paint(r.severity, s, c) : s))),
  ];
}

function counts(vulns: readonly Vulnerability[]): string {
  const n = new Map<Severity, number>();
  for (const v of vulns) n.set(v.severity, (n.get(v.severity) ?? 0) + 1);
  return SEVERITIES.map((s) => `${s} ${n.get(s) ?? 0}`).join(", ");
}

/** `RUN /bin/sh -c apt-get install …  # buildkit` → `RUN apt-get install …`, at most 60 characters. */
export function shortCreatedBy(createdBy: string | undefined): string {
  if (!createdBy) return "";
  const text = createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, "")
    .replace(/^\/bin\/sh -c /, "RUN ")
    .replace(/\/bin\/sh -c /, "")
    .replace(/\s*# buildkit$/, "")
    .replace(/\s+/g, " ")
    .trim();
  return shorten(printable(text), CREATED_BY_MAX);
}

function layerLines(artifact: Artifact, vulns: readonly Vulnerability[]): string[] {
  if (artifact.layers.length === 0) return [];
  // By the diffId of the layer found for each finding; undefined: layer unknown.
  const perLayer = groupBy(vulns, (v) => artifact.layers[layerIndex(artifact, v)]?.diffId);
  const unknown = perLayer.get(undefined)?.length ?? 0;
  const lines = ["By layer:"];
  const labels = artifact.layers.map((l, i) => `#${i + 1} ${shortCreatedBy(l.createdBy) || printable(l.diffId.slice(0, 19))}`);
  const width = Math.max(...labels.map((l) => l.length));
  artifact.layers.forEach((l, i) => {
    const found = perLayer.get(l.diffId) ?? [];
    const worst = SEVERITIES.filter((s) => found.some((v) => v.severity === s));
    const detail = found.length > 0 ? ` (${worst.map((s) => `${s} ${found.filter((v) => v.severity === s).length}`).join(", ")})` : "";
    lines.push(`  ${(labels[i] as string).padEnd(width)}  ${found.length}${detail}`);
  });
  if (unknown > 0) lines.push(`  ${"layer unknown".padEnd(width)}  ${unknown}`);
  return lines;
}

function suppressedLine(report: Report): string[] {
  const suppressed = report.suppressed ?? [];
  if (suppressed.length === 0) return [];
  const by = new Map<string, number>();
  for (const s of suppressed) by.set(s.suppression.by, (by.get(s.suppression.by) ?? 0) + 1);
  const parts = [...by].sort(([a], [b]) => compareText(a, b)).map(([k, n]) => `${k} ${n}`);
  return [`Suppressed: ${suppressed.length} (${parts.join(", ")})`];
}

const packagesText = (n: number): string => `${n} package${n === 1 ? "" : "s"}`;

/** How many packages the vulnerability scan could not check. */
export function uncheckedCount(report: Report): number {
  return (report.unchecked ?? []).reduce((n, u) => n + u.packages, 0);
}

/** The ecosystems not checked, sorted: `Debian:12, generic`. */
export function uncheckedEcosystems(report: Report): string {
  return printable(sortedEcosystems(report).map((u) => u.ecosystem).join(", "));
}

function sortedEcosystems(report: Report): NonNullable<Report["unchecked"]> {
  return [...(report.unchecked ?? [])].sort((a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.reason, b.reason));
}

/** The line that must not be missed: how many packages were not checked, and why. */
function uncheckedWarning(report: Report, c: Palette): string {
  const n = uncheckedCount(report);
  const total = Math.max(n, report.packages.length);
  const reasons = sortedEcosystems(report).map((u) => u.reason).join("; ");
  const verb = n === 1 ? "was" : "were";
  return c.bold(c.red(`WARNING: ${n} of ${packagesText(total)} ${verb} NOT checked for vulnerabilities (${printable(reasons)})`));
}

/**
 * The vulnerability section of the table: findings, totals, layers, suppressed count. When
 * packages went unchecked it opens with a warning saying how many and why, and an empty result
 * speaks only for the packages that were checked.
 */
export function vulnerabilitySection(report: Report, c: Palette): string[] {
  const vulns = report.vulnerabilities;
  const total = `Vulnerabilities: ${vulns.length} (${counts(vulns)})`;
  const notChecked = uncheckedCount(report);
  const warning = notChecked > 0 ? [uncheckedWarning(report, c)] : [];
  if (vulns.length === 0) {
    const checked = Math.max(0, report.packages.length - notChecked);
    const none =
      notChecked === 0 ? "No vulnerabilities found."
      : checked === 0 ? "No package was checked for vulnerabilities."
      : `No vulnerabilities found in the ${packagesText(checked)} checked.`;
    return [...warning, none, ...suppressedLine(report)];
  }
  return [
    ...(warning.length ? [...warning, ""] : []),
    ...findingsTable(report.artifact, vulns, c),
    "",
    total,
    ...suppressedLine(report),
    "",
    ...layerLines(report.artifact, vulns),
  ];
}
