// Restricted containers start from no capabilities; only binding low ports may be added back.
// Names are compared as written: drop must hold "ALL" and add at most "NET_BIND_SERVICE".
// Linux only: from v1.25 Windows pods (spec.os.name: windows) are exempt; the control exists from v1.22.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { asObj, label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { capabilitySpellingHint, exactNames, windowsExempt } from "../pss.js";

export const capabilitiesRestricted: K8sRule = {
  id: "BW-K8S-019",
  title: "Container does not drop ALL capabilities",
  severity: "LOW",
  remediation: "Set `securityContext.capabilities.drop: [ALL]` and add back at most NET_BIND_SERVICE (no CAP_ prefix).",
  references: { pss: { control: "Capabilities", level: "restricted" }, avd: "KSV106", cis: "CIS Kubernetes 5.2.10" },
  check: (doc) =>
    doc.pss.minor < 22
      ? []
      : eachContainer(doc, (c, pod) => {
          if (windowsExempt(pod.spec, doc.pss)) return undefined;
          const caps = asObj(c.securityContext.capabilities);
          const drop = exactNames(caps.drop);
          const dropsAll = drop.includes("ALL");
          const extra = exactNames(caps.add).filter((x) => x !== "NET_BIND_SERVICE");
          const problems: string[] = [];
          if (!dropsAll) problems.push(`does not drop ALL capabilities${capabilitySpellingHint(drop.filter((x) => x.toUpperCase().replace(/^CAP_/, "") === "ALL"))}`);
          if (extra.length > 0) problems.push(`adds ${extra.join(", ")}${capabilitySpellingHint(extra)}`);
          if (problems.length === 0) return undefined;
          const field = !dropsAll ? ["securityContext", "capabilities", "drop"] : ["securityContext", "capabilities", "add"];
          return hit(doc.res, containerFieldLine(doc.res, c, field), `${describe(c)} of ${label(doc.res)} ${problems.join(" and ")}`, c.name);
        }),
  examples: {
    good: [
      podYaml({ container: ["securityContext:", "  capabilities:", "    drop: [ALL]", "    add: [NET_BIND_SERVICE]"] }),
      podYaml({ pod: ["os:", "  name: windows"] }),
    ],
    bad: [
      podYaml({}),
      podYaml({ container: ["securityContext:", "  capabilities:", "    drop: [ALL]", "    add: [CHOWN]"] }),
      podYaml({ container: ["securityContext:", "  capabilities:", "    drop: [ALL]", "    add: [CAP_NET_BIND_SERVICE]"] }),
      podYaml({ container: ["securityContext:", "  capabilities:", "    drop: [all]"] }),
    ],
  },
};
