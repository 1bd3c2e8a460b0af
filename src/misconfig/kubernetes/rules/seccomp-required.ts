// Restricted pods need an explicit seccomp profile: without one many runtimes run Unconfined.
// From v1.19: the pod sets RuntimeDefault or Localhost (containers may then leave it unset) or
// every container does, and nothing sets another type. Linux only: from v1.25 Windows pods are exempt.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { isObj, label, str } from "../resource.js";
import { containerFieldLine, describe, fieldLine, podOf } from "../workload.js";
import { windowsExempt } from "../pss.js";

const valid = (t: string | undefined): boolean => t === "RuntimeDefault" || t === "Localhost";

export const seccompRequired: K8sRule = {
  id: "BW-K8S-018",
  title: "Seccomp profile not set to RuntimeDefault or Localhost",
  severity: "LOW",
  remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or `Localhost` with a profile).",
  references: { pss: { control: "Seccomp", level: "restricted" }, avd: "KSV030", cis: "CIS Kubernetes 5.7.2", kubescape: "C-0210" },
  check(doc) {
    const pod = podOf(doc.res);
    if (!pod || doc.pss.minor < 19 || windowsExempt(pod.spec, doc.pss)) return [];
    const out: RuleHit[] = [];
    const podProfile = pod.securityContext.seccompProfile;
    const podType = isObj(podProfile) ? str(podProfile.type) : undefined;
    const podSet = isObj(podProfile) && valid(podType);
    if (isObj(podProfile) && !podSet) {
      out.push(hit(doc.res, fieldLine(doc.res, [...pod.specPath, "securityContext", "seccompProfile", "type"]) ?? fieldLine(doc.res, [...pod.specPath, "securityContext", "seccompProfile"]), `${label(doc.res)} sets the pod seccomp profile to ${podType ?? "no type"}`));
    }
    out.push(
      ...eachContainer(doc, (c) => {
        const profile = c.securityContext.seccompProfile;
        if (isObj(profile)) {
          const t = str(profile.type);
          return valid(t) ? undefined : hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "seccompProfile", "type"]), `${describe(c)} of ${label(doc.res)} uses seccomp profile ${t ?? "without a type"}`, c.name);
        }
        return podSet ? undefined : hit(doc.res, containerFieldLine(doc.res, c, ["securityContext", "seccompProfile", "type"]), `${describe(c)} of ${label(doc.res)} has no seccomp profile`, c.name);
      }),
    );
    return out;
  },
  examples: {
    good: [
      podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"] }),
      podYaml({ container: ["securityContext:", "  seccompProfile:", "    type: Localhost", "    localhostProfile: profiles/app.json"] }),
      podYaml({ pod: ["os:", "  name: windows"] }),
    ],
    bad: [
      podYaml({}),
      podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"], container: ["securityContext:", "  seccompProfile:", "    type: Unconfined"] }),
      podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: Unconfined"], container: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"] }),
    ],
  },
};
