// The attack-surface summary for people: which tools an attacker would find, and how much they weigh.
import type { AttackSurface, LayerInfo } from "../../model/index.js";
import { humanBytes } from "../../common/bytes.js";
import { type Palette, printable } from "./ansi.js";

const LABEL: Record<string, string> = {
  shell: "shell",
  "package-manager": "package manager",
  compiler: "compiler",
  debugger: "debugger",
  network: "network",
};


export function attackSurfaceSection(surface: AttackSurface, layers: LayerInfo[], c: Palette): string[] {
  const role = surface.service ? `a service (${surface.reason})` : `not a service (${surface.reason})`;
  if (surface.tools.length === 0) return [c.bold("Attack surface: no shells, package managers, compilers, debuggers or network tools"), `  The image is ${printable(role)}.`];
  const lines = [
    c.bold(`Attack surface: ${surface.tools.length} tools an attacker could use, ${humanBytes(surface.totalSize)} (${surface.severity ?? "LOW"})`),
    `  The image is ${printable(role)}.`,
  ];
  const position = new Map(layers.map((l, i) => [l.diffId, i + 1]));
  const rows = surface.tools.map((t) => [
    LABEL[t.category] ?? t.category,
    t.name,
    t.path + (t.resolved ? ` -> ${t.resolved}` : ""),
    humanBytes(t.size),
    t.layer ? `#${position.get(t.layer.diffId) ?? "?"}` : "",
    t.package ? t.package.split("?")[0]!.replace(/^pkg:[^/]+\/[^/]+\//, "") : "",
  ]);
  const head = ["CATEGORY", "TOOL", "PATH", "SIZE", "LAYER", "PACKAGE"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => "  " + r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(width[i]!))).join("  ").trimEnd();
  lines.push(c.dim(fmt(head)));
  for (const r of rows) lines.push(printable(fmt(r)));
  return lines;
}
