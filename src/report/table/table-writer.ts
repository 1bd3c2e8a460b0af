import type { Artifact, Package, Report } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import { canonicalPackages } from "../common/packages.js";
import type { ReportWriter, WriteOptions } from "../types.js";
import { colors, type Palette, plain, printable } from "./ansi.js";
import { attackSurfaceSection } from "./attack-surface.js";
import { misconfigSection, secretSection } from "./findings.js";
import { uncheckedCount, uncheckedEcosystems, vulnerabilitySection } from "./vulnerabilities.js";

const COLUMNS = ["NAME", "VERSION", "TYPE", "SOURCE", "LAYER"] as const;
const GAP = "  ";

function osLine(artifact: Artifact, c: Palette): string {
  const os = artifact.os;
  if (!os) return "unknown";
  // family + version rather than PRETTY_NAME, which often omits the point release.
  let line = printable([os.family, os.version, os.codename ? `(${os.codename})` : ""].filter(Boolean).join(" "));
  if (os.eol) line += " " + (os.eol.eol ? c.red(`EOL since ${os.eol.date}`) : c.dim(`EOL on ${os.eol.date}`));
  return line;
}

function header(report: Report, c: Palette): string[] {
  const a = report.artifact;
  const rows: [string, string][] = [
    ["Target", printable(a.target)],
    ["Type", printable(a.type)],
    ["Digest", a.digest ? printable(a.digest) : "unknown"],
    ["OS", osLine(a, c)],
    ["Layers", String(a.layers.length)],
  ];
  return rows.map(([k, v]) => `${c.bold(`${k}:`.padEnd(8))}${v}`);
}

/** `#n` (1-based position in the image, bottom first) for each layer holding the package. */
function layerColumn(pkg: Package, positions: Map<string, number>): string {
  const numbers = new Set<number>();
  for (const { layer } of pkg.locations) {
    const n = layer ? positions.get(layer.diffId) : undefined;
    if (n !== undefined) numbers.add(n);
  }
  return numbers.size ? [...numbers].sort((a, b) => a - b).map((n) => `#${n}`).join(",") : "-";
}

function sourceColumn(pkg: Package): string {
  if (!pkg.source) return "";
  // Most Debian source versions equal the binary one: only show it when it says something.
  return pkg.source.version && pkg.source.version !== pkg.version
    ? `${pkg.source.name} ${pkg.source.version}`
    : pkg.source.name;
}

function packageTable(report: Report, c: Palette): string[] {
  const positions = layerPositions(report.artifact);
  const rows = canonicalPackages(report.packages).map((p) =>
    [p.name, p.version, p.type, sourceColumn(p), layerColumn(p, positions)].map(printable),
  );
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] as string).length)));
  // Pad every column but the last, so lines carry no trailing spaces.
  const line = (cells: readonly string[], style: (s: string) => string = (s) => s) =>
    cells.map((cell, i) => (i < cells.length - 1 ? style(cell.padEnd(widths[i] as number)) : style(cell))).join(GAP);
  return [line(COLUMNS, c.bold), ...rows.map((r) => line(r))];
}

function layerPositions(artifact: Artifact): Map<string, number> {
  const positions = new Map<string, number>();
  artifact.layers.forEach((l, i) => {
    positions.set(l.diffId, i + 1);
    positions.set(l.digest, i + 1);
  });
  return positions;
}

function footer(report: Report, c: Palette): string[] {
  const counts = new Map<string, number>();
  for (const p of report.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const byType = [...counts].sort(([a], [b]) => compareText(a, b)).map(([t, n]) => `${printable(t)} ${n}`);
  const total = report.packages.length;
  const notChecked = uncheckedCount(report);
  const unchecked = notChecked > 0 ? "; " + c.red(`${notChecked} NOT checked for vulnerabilities (${uncheckedEcosystems(report)})`) : "";
  return [`${total} package${total === 1 ? "" : "s"}${byType.length ? ` (${byType.join(", ")})` : ""}${unchecked}`, ...warnings(report, c)];
}

/** The report's errors, after a blank line; nothing without errors. */
function warnings(report: Report, c: Palette): string[] {
  if (report.errors.length === 0) return [];
  const lines = ["", c.yellow(`Warnings (${report.errors.length}):`)];
  const errors = [...report.errors].sort(
    (a, b) => compareText(a.source, b.source) || compareText(a.path ?? "", b.path ?? "") || compareText(a.message, b.message),
  );
  const positions = layerPositions(report.artifact);
  for (const e of errors) {
    const n = e.layer ? positions.get(e.layer) : undefined;
    const where = [e.path, e.layer ? `layer ${n ? `#${n}` : e.layer}` : ""].filter(Boolean).join(" in ");
    lines.push(`  ${c.yellow("!")} ${printable(e.source)}: ${printable(e.message)}${where ? ` (${printable(where)})` : ""}`);
  }
  return lines;
}

/**
 * Plain text for people: header, then either the findings of a vulnerability scan (grouped by
 * package, with totals and layers) or one line per package; package totals and warnings last.
 */
export const tableWriter: ReportWriter = {
  format: "table",
  write(report: Report, options: WriteOptions = {}): string {
    const c = options.color ? colors : plain;
    if (report.artifact.type === "config") {
      return [`${c.bold("Target:".padEnd(8))}${printable(report.artifact.target)}`, "", ...misconfigSection(report.misconfigurations, c), ...warnings(report, c)].join("\n") + "\n";
    }
    const extra = [
      ...(report.misconfigurations.length ? ["", ...misconfigSection(report.misconfigurations, c)] : []),
      ...(report.secrets.length ? ["", ...secretSection(report.secrets, c)] : []),
      ...(report.attackSurface ? ["", ...attackSurfaceSection(report.attackSurface, report.artifact.layers, c)] : []),
    ];
    const vulnerabilityScan =
      options.vulnerabilities === true || report.vulnerabilities.length > 0 || report.suppressed !== undefined || report.unchecked !== undefined;
    const body = vulnerabilityScan
      ? vulnerabilitySection(report, c)
      : report.packages.length > 0
        ? packageTable(report, c)
        : ["No packages found."];
    return [...header(report, c), "", ...body, ...extra, "", ...footer(report, c)].join("\n") + "\n";
  },
};
