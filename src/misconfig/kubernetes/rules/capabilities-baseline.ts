// Baseline PSS allows adding only capabilities that Docker grants by default anyway, spelled as the
// admission controller compares them: upper case, no CAP_ prefix ("CAP_CHOWN" is not "CHOWN").
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import { asObj, label } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";
import { DANGEROUS_CAPABILITIES, normalizeCap } from "../capabilities.js";
import { BASELINE_CAPABILITIES, capabilitySpellingHint, exactNames } from "../pss.js";

export const capabilitiesBaseline: K8sRule = {
  id: "BW-K8S-005",
  title: "Container adds capabilities beyond the baseline set",
  severity: "MEDIUM",
  remediation: "Remove the extra entries from `securityContext.capabilities.add`; only the default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT), spelled so, may be added.",
  references: { pss: { control: "Capabilities", level: "baseline" }, avd: "KSV022", cis: "CIS Kubernetes 5.2.9", kubescape: "C-0046" },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const extra = exactNames(asObj(c.securityContext.capabilities).add).filter((x) => !BASELINE_CAPABILITIES.has(x));
      if (extra.length === 0) return undefined;
      const h = hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "capabilities", "add"]), `${describe(c)} of ${label(doc.res)} adds ${extra.join(", ")}${capabilitySpellingHint(extra)}`, c.name);
      if (extra.some((x) => DANGEROUS_CAPABILITIES.has(normalizeCap(x)))) h.severity = "HIGH";
      return h;
    }),
  examples: {
    good: [podYaml({}), podYaml({ container: ["securityContext:", "  capabilities:", "    add: [NET_BIND_SERVICE, CHOWN]"] })],
    bad: [
      podYaml({ container: ["securityContext:", "  capabilities:", "    add: [SYS_ADMIN]"] }),
      podYaml({ container: ["securityContext:", "  capabilities:", "    add:", "      - NET_RAW"] }),
      podYaml({ container: ["securityContext:", "  capabilities:", "    add: [CAP_CHOWN]"] }),
      podYaml({ container: ["securityContext:", "  capabilities:", "    add: [chown]"] }),
    ],
  },
};
