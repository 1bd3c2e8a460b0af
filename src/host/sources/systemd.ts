// systemd units as a daemon's command line when no process runs (or the root is not live): the
// unit file from the usual directories, its drop-ins (NAME.d/*.conf, later files and /etc win),
// Environment= and EnvironmentFile= for $VAR expansion, and ExecStart= (an empty one resets).
// Words are split by a shell-words splitter (shlex), never by a shell.
import { split } from "shlex";
import type { HostRoot } from "../rootfs.js";

/** Highest precedence first, as systemd looks for unit files. */
export const UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];

export interface UnitCommand {
  /** The unit file (inside the root) that defined the unit. */
  unit: string;
  /** The file the effective ExecStart= came from (the unit or a drop-in). */
  file: string;
  line: number;
  argv: string[];
  /** Every file read, unit first, then drop-ins in order. */
  files: string[];
}

interface Assignment { key: string; value: string; file: string; line: number }

/** The unit file path for a unit name, or null. */
export function findUnit(root: HostRoot, name: string): string | null {
  for (const d of UNIT_DIRS) {
    const p = `${d}/${name}`;
    if (root.stat(p)?.isFile) return p;
  }
  return null;
}

/** Drop-in files of a unit, in the order systemd applies them (by file name; /etc shadows /lib). */
export function dropIns(root: HostRoot, name: string): string[] {
  const byName = new Map<string, string>();
  for (const d of [...UNIT_DIRS].reverse()) {
    for (const f of root.list(`${d}/${name}.d`)) if (f.endsWith(".conf")) byName.set(f, `${d}/${name}.d/${f}`);
  }
  return [...byName.keys()].sort().map((k) => byName.get(k)!);
}

/** Key=value lines of the [Service] section (continuation lines joined). */
export function serviceAssignments(text: string, file: string): Assignment[] {
  const out: Assignment[] = [];
  const lines = text.split(/\r?\n/);
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i]!;
    while (l.endsWith("\\") && i + 1 < lines.length) l = l.slice(0, -1) + " " + lines[++i]!;
    const t = l.trim();
    if (!t || t.startsWith("#") || t.startsWith(";")) continue;
    const sec = /^\[(.+)\]$/.exec(t);
    if (sec) { section = sec[1]!; continue; }
    if (section !== "Service") continue;
    const eq = t.indexOf("=");
    if (eq <= 0) continue;
    out.push({ key: t.slice(0, eq).trim(), value: t.slice(eq + 1).trim(), file, line: start + 1 });
  }
  return out;
}

/** The unit's effective ExecStart= with $VAR and ${VAR} expanded from its environment. */
export function unitCommand(root: HostRoot, name: string): UnitCommand | null {
  const unit = findUnit(root, name);
  if (!unit) return null;
  const files = [unit, ...dropIns(root, name)];
  const env = new Map<string, string>();
  let exec: Assignment | null = null;
  for (const f of files) {
    const text = root.read(f);
    if (text === null) continue;
    for (const a of serviceAssignments(text, f)) {
      if (a.key === "Environment") {
        for (const w of safeSplit(a.value)) {
          const eq = w.indexOf("=");
          if (eq > 0) env.set(w.slice(0, eq), w.slice(eq + 1));
        }
      } else if (a.key === "EnvironmentFile") {
        const path = a.value.replace(/^-/, "");
        const body = root.read(path);
        if (body !== null) for (const [k, v] of envFile(body)) env.set(k, v);
      } else if (a.key === "ExecStart") {
        exec = a.value === "" ? null : a;
      }
    }
  }
  if (!exec) return null;
  const cmd = exec.value.replace(/^[-@:+!]+/, "");
  const expanded = cmd.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => env.get((a ?? b)!) ?? "");
  return { unit, file: exec.file, line: exec.line, argv: safeSplit(expanded), files };
}

/** KEY=VALUE lines (quotes allowed), as in EnvironmentFile= and /etc/default files. */
export function envFile(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const t = raw.trim();
    if (!t || t.startsWith("#") || t.startsWith(";")) continue;
    const w = safeSplit(t.replace(/^export\s+/, ""));
    for (const x of w) {
      const eq = x.indexOf("=");
      if (eq > 0) m.set(x.slice(0, eq), x.slice(eq + 1));
    }
  }
  return m;
}

/** shlex's split, falling back to whitespace words on unbalanced quotes. */
export function safeSplit(s: string): string[] {
  try {
    return split(s);
  } catch {
    return s.split(/\s+/).filter(Boolean);
  }
}
