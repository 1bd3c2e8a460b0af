// A writable root filesystem lets an intruder drop tools and alter binaries inside the container.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";

export const readOnlyRoot: K8sRule = {
  id: "BW-K8S-020",
  title: "Root filesystem is writable",
  severity: "LOW",
  remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount emptyDir volumes where the app must write.",
  references: { avd: "KSV014", kubescape: "C-0017" },
  check: (doc) =>
    eachContainer(doc, (c) =>
      c.securityContext.readOnlyRootFilesystem === true
        ? undefined
        : hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "readOnlyRootFilesystem"]), `${describe(c)} of ${label(doc.res)} has a writable root filesystem`, c.name),
    ),
  examples: {
    good: [podYaml({ container: ["securityContext:", "  readOnlyRootFilesystem: true"] })],
    bad: [podYaml({}), podYaml({ container: ["securityContext:", "  readOnlyRootFilesystem: false"] })],
  },
};
