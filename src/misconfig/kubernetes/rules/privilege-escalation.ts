// Without allowPrivilegeEscalation: false, setuid binaries can gain more privileges than the process started with.
// Restricted from v1.8 on; Linux only: from v1.25 Windows pods (spec.os.name: windows) are exempt.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { windowsExempt } from "../pss.js";

export const privilegeEscalation: K8sRule = {
  id: "BW-K8S-015",
  title: "Container allows privilege escalation",
  severity: "MEDIUM",
  remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
  references: { pss: { control: "Privilege Escalation", level: "restricted" }, avd: "KSV001", cis: "CIS Kubernetes 5.2.6", kubescape: "C-0016" },
  check: (doc) =>
    doc.pss.minor < 8
      ? []
      : eachContainer(doc, (c, pod) =>
          c.securityContext.allowPrivilegeEscalation === false || windowsExempt(pod.spec, doc.pss)
            ? undefined
            : hit(
                doc.res,
                containerFieldLine(doc.res, c, ["securityContext", "allowPrivilegeEscalation"]),
                `${describe(c)} of ${label(doc.res)} ${c.securityContext.allowPrivilegeEscalation === true ? "sets allowPrivilegeEscalation: true" : "does not set allowPrivilegeEscalation: false"}`,
                c.name,
              ),
        ),
  examples: {
    good: [podYaml({ container: ["securityContext:", "  allowPrivilegeEscalation: false"] }), podYaml({ pod: ["os:", "  name: windows"] })],
    bad: [podYaml({}), podYaml({ container: ["securityContext:", "  allowPrivilegeEscalation: true"] }), podYaml({ pod: ["os:", "  name: linux"] })],
  },
};
