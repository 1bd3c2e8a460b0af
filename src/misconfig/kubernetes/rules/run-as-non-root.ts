// runAsNonRoot makes the kubelet refuse to start the container as UID 0, whatever the image says.
import type { K8sRule } from "../context.js";
import { eachContainer, effective, hit, podYaml } from "../checks.js";
import { label } from "../resource.js";
import { containerFieldLine, describe, fieldLine } from "../workload.js";

export const runAsNonRoot: K8sRule = {
  id: "BW-K8S-016",
  title: "Container may run as root",
  severity: "MEDIUM",
  remediation: "Set `securityContext.runAsNonRoot: true` on the pod (or every container) and build the image with a non-root USER.",
  references: { pss: { control: "Running as Non-root", level: "restricted" }, avd: "KSV012", cis: "CIS Kubernetes 5.2.7", kubescape: "C-0013" },
  check: (doc) =>
    eachContainer(doc, (c, pod) => {
      if (effective(c, pod, "runAsNonRoot") === true) return undefined;
      // Point at the explicit `false` (container first, then pod), else at the container.
      const line =
        c.securityContext.runAsNonRoot === false
          ? containerFieldLine(doc.res, c, ["securityContext", "runAsNonRoot"])
          : (pod.securityContext.runAsNonRoot === false ? fieldLine(doc.res, [...pod.specPath, "securityContext", "runAsNonRoot"]) : undefined) ?? containerFieldLine(doc.res, c, []);
      return hit(doc.res, line, `${describe(c)} of ${label(doc.res)} does not require runAsNonRoot: true`, c.name);
    }),
  examples: {
    good: [
      podYaml({ pod: ["securityContext:", "  runAsNonRoot: true"] }),
      podYaml({ container: ["securityContext:", "  runAsNonRoot: true"] }),
    ],
    bad: [podYaml({}), podYaml({ pod: ["securityContext:", "  runAsNonRoot: true"], container: ["securityContext:", "  runAsNonRoot: false"] })],
  },
};
