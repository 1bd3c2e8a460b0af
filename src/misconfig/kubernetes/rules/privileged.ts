// A privileged container has every capability and all host devices: it is root on the node.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";

export const privileged: K8sRule = {
  id: "BW-K8S-004",
  title: "Privileged container",
  severity: "HIGH",
  remediation: "Remove `securityContext.privileged: true`; grant only the specific capabilities the container needs.",
  references: { pss: { control: "Privileged Containers", level: "baseline" }, avd: "KSV017", cis: "CIS Kubernetes 5.2.2", kubescape: "C-0057" },
  check: (doc) =>
    eachContainer(doc, (c) =>
      c.securityContext.privileged === true
        ? hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "privileged"]), `${describe(c)} of ${label(doc.res)} runs privileged`, c.name)
        : undefined,
    ),
  examples: {
    good: [podYaml({}), podYaml({ container: ["securityContext:", "  privileged: false"] })],
    bad: [podYaml({ container: ["securityContext:", "  privileged: true"] })],
  },
};
