// Linux audit rules as auditctl would load them: /etc/audit/rules.d/*.rules (augenrules joins
// them) and /etc/audit/audit.rules. Watches: "-w PATH -p PERMS" and "-a ... -F path=PATH" /
// "-F dir=PATH". Lines are split into words by shlex.
import type { HostRoot } from "../rootfs.js";
import { safeSplit } from "./systemd.js";

export interface AuditWatch {
  path: string;
  /** The rule's permissions filter (rwxa), "" when none was given (all). */
  perms: string;
  file: string;
  line: number;
  text: string;
}

export interface AuditRules {
  files: string[];
  watches: AuditWatch[];
}

export function loadAuditRules(root: HostRoot): AuditRules {
  const files = root.list("/etc/audit/rules.d").filter((f) => f.endsWith(".rules")).map((f) => `/etc/audit/rules.d/${f}`);
  if (root.stat("/etc/audit/audit.rules")?.isFile) files.push("/etc/audit/audit.rules");
  const watches: AuditWatch[] = [];
  for (const file of files) {
    const text = root.read(file);
    if (text === null) continue;
    const lines = text.split(/\r?\n/);
    lines.forEach((raw, i) => {
      const t = raw.trim();
      if (!t || t.startsWith("#")) return;
      const w = safeSplit(t);
      let path: string | undefined;
      let perms = "";
      for (let j = 0; j < w.length; j++) {
        const a = w[j]!;
        if (a === "-w" && w[j + 1]) path = w[++j];
        else if (a === "-p" && w[j + 1]) perms = w[++j]!;
        else if (a === "-F" && w[j + 1]) {
          const m = /^(path|dir)=(.+)$/.exec(w[++j]!);
          if (m) path = m[2];
          const p = /^perm=(.+)$/.exec(w[j]!);
          if (p) perms = p[1]!;
        }
      }
      if (path) watches.push({ path: path.replace(/\/+$/, "") || "/", perms, file, line: i + 1, text: t });
    });
  }
  return { files, watches };
}

/** The watch covering a path (itself, or a directory above it watched with -w or dir=). */
export function watchFor(rules: AuditRules, path: string): AuditWatch | undefined {
  return rules.watches.find((w) => w.path === path) ?? rules.watches.find((w) => path.startsWith(w.path + "/"));
}
