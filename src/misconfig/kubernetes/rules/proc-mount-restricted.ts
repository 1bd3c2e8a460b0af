// Restricted keeps /proc masked even in a user namespace: from v1.35 Baseline accepts any procMount
// when hostUsers is false, and Restricted adds this check so that it still allows only Default.
// Before v1.35 the Baseline check (BW-K8S-010) already forbids it for every pod.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { userNamespaceRelaxed } from "../pss.js";

export const procMountRestricted: K8sRule = {
  id: "BW-K8S-047",
  title: "Non-default /proc mount type in a user-namespace pod",
  severity: "LOW",
  remediation: "Remove `securityContext.procMount` or set it to `Default`: the Restricted policy allows nothing else, even with `hostUsers: false`.",
  references: { pss: { control: "/proc Mount Type", level: "restricted" }, urls: ["https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/"] },
  check: (doc) =>
    eachContainer(doc, (c, pod) => {
      const v = str(c.securityContext.procMount);
      // Only where Baseline lets it through: elsewhere BW-K8S-010 reports it.
      if (v === undefined || v === "Default" || !userNamespaceRelaxed(pod.spec, doc.pss)) return undefined;
      return hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "procMount"]), `${describe(c)} of ${label(doc.res)} sets procMount: ${v} (Baseline allows it with hostUsers: false, Restricted does not)`, c.name);
    }),
  examples: {
    good: [podYaml({ pod: ["hostUsers: false"] }), podYaml({ container: ["securityContext:", "  procMount: Unmasked"] })],
    bad: [podYaml({ pod: ["hostUsers: false"], container: ["securityContext:", "  procMount: Unmasked"] })],
  },
};
