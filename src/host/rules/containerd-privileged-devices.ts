// containerd CRI runtimes: a privileged pod gets every host device unless the runtime sets
// privileged_without_host_devices = true.
import type { HostHit, HostRule } from "../types.js";
import { at, keyLine, table } from "../sources/toml.js";

export const containerdPrivilegedDevices: HostRule = {
  id: "BW-HOST-051",
  title: "Privileged containers get every host device (containerd)",
  severity: "LOW",
  remediation: 'Set privileged_without_host_devices = true on each runtime under [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.NAME] unless privileged pods really need host devices',
  references: { urls: ["https://github.com/containerd/containerd/blob/main/docs/cri/config.md"] },
  check(ctx) {
    const cfg = ctx.containerd;
    if (!cfg) return { notApplicable: "no containerd config.toml" };
    const plugins = table(cfg.value.plugins);
    const runtimes: [string, string, unknown][] = [];
    for (const cri of ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime"]) {
      for (const [name, r] of Object.entries(table(at(plugins, cri, "containerd", "runtimes")))) runtimes.push([cri, name, r]);
    }
    if (!runtimes.length) return { notApplicable: `${cfg.path} configures no CRI runtime` };
    return runtimes.filter(([, , r]) => at(r, "privileged_without_host_devices") !== true).map(([cri, name, r]): HostHit => {
      const set = at(r, "privileged_without_host_devices");
      const line = set === undefined ? keyLine(cfg.text, "runtime_type", `runtimes.${name}]`) : keyLine(cfg.text, "privileged_without_host_devices", `runtimes.${name}]`);
      return {
        message: `runtime ${name}: privileged containers see all of the host's devices (/dev of the host)`,
        path: cfg.path,
        ...(line ? { line } : {}),
        evidence: [`${cfg.path}: [plugins."${cri}".containerd.runtimes.${name}] privileged_without_host_devices ${set === undefined ? "not set (default false)" : `= ${JSON.stringify(set)}`}`],
      };
    });
  },
};
