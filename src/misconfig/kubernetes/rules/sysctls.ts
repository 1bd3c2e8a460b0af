// Sysctls outside the namespaced "safe" set change kernel settings for every pod on the node.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, asObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";

const SAFE = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

export const sysctls: K8sRule = {
  id: "BW-K8S-012",
  title: "Unsafe sysctls",
  severity: "MEDIUM",
  remediation: "Remove sysctls outside the safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, ...) from `securityContext.sysctls`.",
  references: { pss: { control: "Sysctls", level: "baseline" }, avd: "KSV026" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    asArray(pod.securityContext.sysctls).forEach((s, i) => {
      const name = str(asObj(s).name);
      if (name !== undefined && !SAFE.has(name)) {
        out.push(hit(res, line(res, [...pod.specPath, "securityContext", "sysctls", i]), `${label(res)} sets unsafe sysctl ${name}`));
      }
    });
    return out;
  },
  examples: {
    good: [podYaml({ pod: ["securityContext:", "  sysctls:", "    - name: net.ipv4.tcp_syncookies", "      value: \"1\""] })],
    bad: [podYaml({ pod: ["securityContext:", "  sysctls:", "    - name: kernel.msgmax", "      value: \"65536\""] })],
  },
};
