// Sysctls outside the namespaced "safe" set change kernel settings for every pod on the node.
// The safe set grew with the policy: ip_local_reserved_ports (v1.27), the tcp keepalive and
// fin_timeout settings (v1.29), tcp_rmem and tcp_wmem (v1.32).
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, asObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";
import { safeSysctls, sysctlAllowedSince } from "../pss.js";

export const sysctls: K8sRule = {
  id: "BW-K8S-012",
  title: "Unsafe sysctls",
  severity: "MEDIUM",
  remediation: "Remove sysctls outside the safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, ...; see docs/kubernetes.md for the set of each version) from `securityContext.sysctls`.",
  references: { pss: { control: "Sysctls", level: "baseline" }, avd: "KSV026" },
  check({ res, pss }) {
    const pod = podOf(res);
    if (!pod) return [];
    const safe = safeSysctls(pss);
    const out: RuleHit[] = [];
    asArray(pod.securityContext.sysctls).forEach((s, i) => {
      const name = str(asObj(s).name);
      if (name === undefined || safe.has(name)) return;
      const since = sysctlAllowedSince(name);
      const note = since !== undefined ? ` (safe from v1.${since}, the policy is ${pss.label})` : "";
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "sysctls", i]), `${label(res)} sets unsafe sysctl ${name}${note}`));
    });
    return out;
  },
  examples: {
    good: [podYaml({ pod: ["securityContext:", "  sysctls:", "    - name: net.ipv4.tcp_syncookies", "      value: \"1\"", "    - name: net.ipv4.tcp_rmem", "      value: \"4096 87380 16777216\""] })],
    bad: [podYaml({ pod: ["securityContext:", "  sysctls:", "    - name: kernel.msgmax", "      value: \"65536\""] })],
  },
};
