// containerd CRI: AppArmor must not be switched off for every container.
import type { HostRule } from "../types.js";
import { at, keyLine, table } from "../sources/toml.js";

export const containerdApparmor: HostRule = {
  id: "BW-HOST-052",
  title: "containerd disables AppArmor for all containers",
  severity: "MEDIUM",
  remediation: 'Remove disable_apparmor = true from the CRI plugin section of /etc/containerd/config.toml',
  references: { cis: "CIS Docker 5.1 (containerd equivalent)", urls: ["https://github.com/containerd/containerd/blob/main/docs/cri/config.md"] },
  check(ctx) {
    const cfg = ctx.containerd;
    if (!cfg) return { notApplicable: "no containerd config.toml" };
    const plugins = table(cfg.value.plugins);
    for (const cri of ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime"]) {
      if (at(plugins, cri, "disable_apparmor") === true) {
        const line = keyLine(cfg.text, "disable_apparmor");
        return [{ message: "containers run without the default AppArmor profile", path: cfg.path, ...(line ? { line } : {}), evidence: [`${cfg.path}${line ? ` line ${line}` : ""}: [plugins."${cri}"] disable_apparmor = true`] }];
      }
    }
    return [];
  },
};
