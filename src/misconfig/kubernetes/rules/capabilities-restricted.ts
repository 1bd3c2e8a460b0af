// Restricted containers start from no capabilities; only binding low ports may be added back.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { asObj, label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { capabilityNames } from "../capabilities.js";

export const capabilitiesRestricted: K8sRule = {
  id: "BW-K8S-019",
  title: "Container does not drop ALL capabilities",
  severity: "LOW",
  remediation: "Set `securityContext.capabilities.drop: [ALL]` and add back at most NET_BIND_SERVICE.",
  references: { pss: { control: "Capabilities", level: "restricted" }, avd: "KSV106", cis: "CIS Kubernetes 5.2.10" },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const caps = asObj(c.securityContext.capabilities);
      const dropsAll = capabilityNames(caps.drop).includes("ALL");
      const extra = capabilityNames(caps.add).filter((x) => x !== "NET_BIND_SERVICE");
      const problems: string[] = [];
      if (!dropsAll) problems.push("does not drop ALL capabilities");
      if (extra.length > 0) problems.push(`adds ${extra.join(", ")}`);
      if (problems.length === 0) return undefined;
      const field = !dropsAll ? ["securityContext", "capabilities", "drop"] : ["securityContext", "capabilities", "add"];
      return hit(doc.res, containerFieldLine(doc.res, c, field), `${describe(c)} of ${label(doc.res)} ${problems.join(" and ")}`, c.name);
    }),
  examples: {
    good: [podYaml({ container: ["securityContext:", "  capabilities:", "    drop: [ALL]", "    add: [NET_BIND_SERVICE]"] })],
    bad: [podYaml({}), podYaml({ container: ["securityContext:", "  capabilities:", "    drop: [ALL]", "    add: [CHOWN]"] })],
  },
};
