// Without allowPrivilegeEscalation: false, setuid binaries can gain more privileges than the process started with.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";

export const privilegeEscalation: K8sRule = {
  id: "BW-K8S-015",
  title: "Container allows privilege escalation",
  severity: "MEDIUM",
  remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
  references: { pss: { control: "Privilege Escalation", level: "restricted" }, avd: "KSV001", cis: "CIS Kubernetes 5.2.6", kubescape: "C-0016" },
  check: (doc) =>
    eachContainer(doc, (c) =>
      c.securityContext.allowPrivilegeEscalation === false
        ? undefined
        : hit(
            doc.res,
            containerFieldLine(doc.res, c, ["securityContext", "allowPrivilegeEscalation"]),
            `${describe(c)} of ${label(doc.res)} ${c.securityContext.allowPrivilegeEscalation === true ? "sets allowPrivilegeEscalation: true" : "does not set allowPrivilegeEscalation: false"}`,
            c.name,
          ),
    ),
  examples: {
    good: [podYaml({ container: ["securityContext:", "  allowPrivilegeEscalation: false"] })],
    bad: [podYaml({}), podYaml({ container: ["securityContext:", "  allowPrivilegeEscalation: true"] })],
  },
};
