// Restricted pods need an explicit seccomp profile: without one many runtimes run Unconfined.
import type { K8sRule } from "../context.js";
import { eachContainer, effective, hit, podYaml } from "../checks.js";
import { asObj, label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";

export const seccompRequired: K8sRule = {
  id: "BW-K8S-018",
  title: "Seccomp profile not set to RuntimeDefault or Localhost",
  severity: "LOW",
  remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or `Localhost` with a profile).",
  references: { pss: { control: "Seccomp", level: "restricted" }, avd: "KSV030", cis: "CIS Kubernetes 5.7.2", kubescape: "C-0210" },
  check: (doc) =>
    eachContainer(doc, (c, pod) => {
      const type = str(asObj(effective(c, pod, "seccompProfile")).type);
      if (type === "RuntimeDefault" || type === "Localhost") return undefined;
      const l = containerFieldLine(doc.res, c, ["securityContext", "seccompProfile", "type"]);
      return hit(doc.res, l, `${describe(c)} of ${label(doc.res)} ${type ? `uses seccomp profile ${type}` : "has no seccomp profile"}`, c.name);
    }),
  examples: {
    good: [
      podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"] }),
      podYaml({ container: ["securityContext:", "  seccompProfile:", "    type: Localhost", "    localhostProfile: profiles/app.json"] }),
    ],
    bad: [podYaml({}), podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"], container: ["securityContext:", "  seccompProfile:", "    type: Unconfined"] })],
  },
};
