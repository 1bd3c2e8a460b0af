// CRI-O: the default seccomp and AppArmor confinement stays on for containers that ask for none.
import type { HostHit, HostRule } from "../types.js";
import { crioSetting } from "../sources/toml.js";

export const crioConfinement: HostRule = {
  id: "BW-HOST-054",
  title: "CRI-O runs containers unconfined by default",
  severity: "MEDIUM",
  remediation: 'In [crio.runtime] keep apparmor_profile = "crio-default" and seccomp_use_default_when_empty = true (the defaults)',
  references: { cis: "CIS Docker 5.1, 5.21 (CRI-O equivalent)", urls: ["https://github.com/cri-o/cri-o/blob/main/docs/crio.conf.5.md"] },
  check(ctx) {
    const files = ctx.crio;
    if (!files.length) return { notApplicable: "no CRI-O configuration" };
    const hits: HostHit[] = [];
    const where = (s: { file: { path: string }; line?: number }): string => `${s.file.path}${s.line ? ` line ${s.line}` : ""}`;
    const aa = crioSetting(files, "runtime", "apparmor_profile");
    if (aa && aa.value === "unconfined") hits.push({ message: "containers without an AppArmor profile of their own run unconfined", path: aa.file.path, ...(aa.line ? { line: aa.line } : {}), evidence: [`${where(aa)}: [crio.runtime] apparmor_profile = "unconfined"`] });
    const sc = crioSetting(files, "runtime", "seccomp_use_default_when_empty");
    if (sc && sc.value === false) hits.push({ message: "containers without a seccomp profile of their own run with every system call allowed", path: sc.file.path, ...(sc.line ? { line: sc.line } : {}), evidence: [`${where(sc)}: [crio.runtime] seccomp_use_default_when_empty = false`] });
    return hits;
  },
};
