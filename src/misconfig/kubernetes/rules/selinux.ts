// Custom SELinux users/roles or non-container types let a process escape the container's MCS label.
// Baseline allows the types "", container_t, container_init_t, container_kvm_t, and from v1.31 container_engine_t.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import type { Obj } from "../resource.js";
import { asObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";
import { containerFieldLine, describe } from "../workload.js";
import type { PssVersion } from "../pss.js";
import { selinuxTypeAllowed } from "../pss.js";

function problems(opts: Obj, pss: PssVersion): string[] {
  const out: string[] = [];
  const type = str(opts.type);
  if (type !== undefined && !selinuxTypeAllowed(type, pss)) out.push(`type "${type}"${type === "container_engine_t" ? ` (allowed from v1.31, the policy is ${pss.label})` : ""}`);
  if (str(opts.user)) out.push(`user "${str(opts.user)}"`);
  if (str(opts.role)) out.push(`role "${str(opts.role)}"`);
  return out;
}

export const selinux: K8sRule = {
  id: "BW-K8S-009",
  title: "Custom SELinux options",
  severity: "MEDIUM",
  remediation: "Remove `seLinuxOptions.user` and `.role`, and keep `.type` to container_t, container_init_t, container_kvm_t or container_engine_t (v1.31+).",
  references: { pss: { control: "SELinux", level: "baseline" }, avd: "KSV025" },
  check(doc) {
    const { res } = doc;
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    const podProblems = problems(asObj(pod.securityContext.seLinuxOptions), doc.pss);
    if (podProblems.length > 0) {
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "seLinuxOptions"]), `${label(res)} sets SELinux ${podProblems.join(", ")}`));
    }
    out.push(
      ...eachContainer(doc, (c) => {
        const p = problems(asObj(c.securityContext.seLinuxOptions), doc.pss);
        return p.length === 0 ? undefined : hit(res, containerFieldLine(res, c, ["securityContext", "seLinuxOptions"]), `${describe(c)} of ${label(res)} sets SELinux ${p.join(", ")}`, c.name);
      }),
    );
    return out;
  },
  examples: {
    good: [
      podYaml({ container: ["securityContext:", "  seLinuxOptions:", "    type: container_t", "    level: s0:c123,c456"] }),
      podYaml({ container: ["securityContext:", "  seLinuxOptions:", "    type: container_engine_t"] }),
    ],
    bad: [
      podYaml({ container: ["securityContext:", "  seLinuxOptions:", "    type: spc_t"] }),
      podYaml({ pod: ["securityContext:", "  seLinuxOptions:", "    user: system_u", "    role: system_r"] }),
    ],
  },
};
