// The table form of a drift report. Paths come from the container: control characters are
// shown as "?" so a hostile file name cannot drive the terminal.
import type { DriftReport } from "./index.js";

const clean = (s: string): string => s.replace(/\p{Cc}/gu, "?");

export function driftTable(r: DriftReport): string {
  const out: string[] = [];
  const c = r.container;
  out.push(`Container ${clean(c.id)} (${c.runtime}${c.pid !== undefined ? `, pid ${c.pid}` : ", not running"}) against ${clean(r.image.target)}${r.image.digest ? ` (${r.image.digest})` : ""}\n`);
  if (r.changes.length === 0 && r.packages.length === 0) out.push("\nNo drift.\n");
  else if (r.changes.length > 0) {
    const sev = 8;
    const chg = 8;
    out.push(`\n${"SEVERITY".padEnd(sev)}  ${"CHANGE".padEnd(chg)}  PATH  (WHY)\n`);
    const order = { HIGH: 0, MEDIUM: 1, LOW: 2 };
    const rows = [...r.changes].sort((a, b) => order[a.severity] - order[b.severity] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const x of rows) out.push(`${x.severity.padEnd(sev)}  ${x.change.padEnd(chg)}  ${clean(x.path)}  (${x.reason}${x.changed && x.change === "modified" ? `: ${x.changed.join(", ")}` : ""})\n`);
  }
  for (const p of r.packages) {
    out.push(`\nPackage database ${clean(p.path)} (${p.analyzer}) ${p.change} after start:\n`);
    for (const a of p.added) out.push(`  + ${clean(a.name)} ${clean(a.version)}${a.arch ? ` ${clean(a.arch)}` : ""}\n`);
    for (const a of p.removed) out.push(`  - ${clean(a.name)} ${clean(a.version)}${a.arch ? ` ${clean(a.arch)}` : ""}\n`);
    for (const a of p.changed) out.push(`  ~ ${clean(a.name)} ${clean(a.from)} -> ${clean(a.to)}\n`);
    if (p.added.length + p.removed.length + p.changed.length === 0) out.push("  (same packages)\n");
  }
  const s = r.summary;
  out.push(`\n${s.added} added, ${s.modified} modified, ${s.deleted} deleted (HIGH ${s.high}, MEDIUM ${s.medium}, LOW ${s.low}); ${s.packageDatabases} package database${s.packageDatabases === 1 ? "" : "s"} changed\n`);
  if (r.truncated) out.push(`Only the first ${r.changes.length} changes are listed.\n`);
  if (r.skipped.length) out.push(`Skipped: ${r.skipped.map((k) => `${clean(k.path)} (${k.fstype ?? k.reason})`).join(", ")}\n`);
  for (const n of r.notes) out.push(`Note: ${clean(n)}\n`);
  return out.join("");
}
