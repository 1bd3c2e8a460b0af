// An Unmasked /proc exposes kernel interfaces the runtime normally hides from containers.
// Baseline: only Default (or unset); from v1.35 any value is allowed for pods in a user namespace
// (hostUsers: false), where Restricted still forbids it (BW-K8S-047).
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { userNamespaceRelaxed } from "../pss.js";

export const procMount: K8sRule = {
  id: "BW-K8S-010",
  title: "Non-default /proc mount type",
  severity: "MEDIUM",
  remediation: "Remove `securityContext.procMount` or set it to `Default` (or run the pod in a user namespace with `hostUsers: false`, which Baseline v1.35+ accepts).",
  references: { pss: { control: "/proc Mount Type", level: "baseline" }, avd: "KSV027" },
  check: (doc) =>
    eachContainer(doc, (c, pod) => {
      const v = str(c.securityContext.procMount);
      if (v === undefined || v === "Default" || userNamespaceRelaxed(pod.spec, doc.pss)) return undefined;
      return hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "procMount"]), `${describe(c)} of ${label(doc.res)} sets procMount: ${v}`, c.name);
    }),
  examples: {
    good: [podYaml({}), podYaml({ container: ["securityContext:", "  procMount: Default"] }), podYaml({ pod: ["hostUsers: false"], container: ["securityContext:", "  procMount: Unmasked"] })],
    bad: [podYaml({ container: ["securityContext:", "  procMount: Unmasked"] }), podYaml({ pod: ["hostUsers: true"], container: ["securityContext:", "  procMount: Unmasked"] })],
  },
};
