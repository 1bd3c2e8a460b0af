// Windows HostProcess containers run directly on the node with its privileges.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asObj, label, line } from "../resource.js";
import { podOf } from "../workload.js";
import { containerFieldLine, describe } from "../workload.js";

export const hostProcess: K8sRule = {
  id: "BW-K8S-013",
  title: "Windows HostProcess container",
  severity: "HIGH",
  remediation: "Remove `securityContext.windowsOptions.hostProcess: true`.",
  references: { pss: { control: "HostProcess", level: "baseline" }, avd: "KSV103", cis: "CIS Kubernetes 5.2.11" },
  check(doc) {
    const { res } = doc;
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    if (asObj(pod.securityContext.windowsOptions).hostProcess === true) {
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "windowsOptions", "hostProcess"]), `${label(res)} runs as a Windows HostProcess pod`));
    }
    out.push(
      ...eachContainer(doc, (c) =>
        asObj(c.securityContext.windowsOptions).hostProcess === true
          ? hit(res, containerFieldLine(res, c, ["securityContext", "windowsOptions", "hostProcess"]), `${describe(c)} of ${label(res)} is a Windows HostProcess container`, c.name)
          : undefined,
      ),
    );
    return out;
  },
  examples: {
    good: [podYaml({ container: ["securityContext:", "  windowsOptions:", "    runAsUserName: app"] })],
    bad: [podYaml({ pod: ["hostNetwork: true", "securityContext:", "  windowsOptions:", "    hostProcess: true"] })],
  },
};
