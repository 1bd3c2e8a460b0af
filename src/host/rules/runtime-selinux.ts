// On an SELinux host in enforcing mode, containerd and CRI-O label containers only when told to
// (enable_selinux / selinux = true); without labels SELinux does not separate containers.
import type { HostHit, HostRule } from "../types.js";
import { envFile } from "../sources/systemd.js";
import { at, crioSetting, keyLine, table } from "../sources/toml.js";

export const runtimeSelinux: HostRule = {
  id: "BW-HOST-055",
  title: "Container runtime does not use SELinux on an SELinux host",
  severity: "MEDIUM",
  remediation: 'Set enable_selinux = true in containerd\'s CRI plugin section, selinux = true in [crio.runtime], or "selinux-enabled": true in daemon.json',
  references: { cis: "CIS Docker 5.2 (runtime-wide equivalent)", urls: ["https://github.com/cri-o/cri-o/blob/main/docs/crio.conf.5.md"] },
  check(ctx) {
    const cfg = ctx.root.read("/etc/selinux/config");
    const mode = cfg === null ? undefined : envFile(cfg).get("SELINUX");
    if (mode !== "enforcing") return { notApplicable: cfg === null ? "no /etc/selinux/config" : `SELinux is ${mode ?? "not configured"} in /etc/selinux/config` };
    const hits: HostHit[] = [];
    const ev = `/etc/selinux/config: SELINUX=${mode}`;
    const c = ctx.containerd;
    if (c) {
      const plugins = table(c.value.plugins);
      const on = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime"].some((p) => at(plugins, p, "enable_selinux") === true);
      if (!on) {
        const line = keyLine(c.text, "enable_selinux");
        hits.push({ message: "containerd starts containers without SELinux labels", path: c.path, ...(line ? { line } : {}), evidence: [ev, `${c.path}: enable_selinux ${line ? `= false (line ${line})` : "not set (default false)"}`] });
      }
    }
    if (ctx.crio.length) {
      const s = crioSetting(ctx.crio, "runtime", "selinux");
      if (!s || s.value !== true) hits.push({ message: "CRI-O starts containers without SELinux labels", path: s?.file.path ?? ctx.crio[0]!.path, ...(s?.line ? { line: s.line } : {}), evidence: [ev, s ? `${s.file.path}: [crio.runtime] selinux = ${JSON.stringify(s.value)}` : "[crio.runtime] selinux not set (default false)"] });
    }
    if (ctx.docker.present && !ctx.docker.daemonJsonError) {
      const s = ctx.docker.setting("selinux-enabled");
      if (!s || (s.value !== true && s.value !== "true")) hits.push({ message: "dockerd starts containers without SELinux labels", path: s?.path ?? ctx.docker.daemonJsonPath, ...(s?.line ? { line: s.line } : {}), evidence: [ev, s ? s.evidence : "selinux-enabled not set (default false)"] });
    }
    if (!c && !ctx.crio.length && !ctx.docker.present) return { notApplicable: "no containerd, CRI-O or Docker configuration" };
    return hits;
  },
};
