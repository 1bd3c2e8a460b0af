// An Unmasked /proc exposes kernel interfaces the runtime normally hides from containers.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";

export const procMount: K8sRule = {
  id: "BW-K8S-010",
  title: "Non-default /proc mount type",
  severity: "MEDIUM",
  remediation: "Remove `securityContext.procMount` or set it to `Default`.",
  references: { pss: { control: "/proc Mount Type", level: "baseline" }, avd: "KSV027" },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const v = str(c.securityContext.procMount);
      return v === undefined || v === "Default"
        ? undefined
        : hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "procMount"]), `${describe(c)} of ${label(doc.res)} sets procMount: ${v}`, c.name);
    }),
  examples: {
    good: [podYaml({}), podYaml({ container: ["securityContext:", "  procMount: Default"] })],
    bad: [podYaml({ container: ["securityContext:", "  procMount: Unmasked"] })],
  },
};
