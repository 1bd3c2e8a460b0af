// Unconfined seccomp opens every syscall to the container, including ones used in kernel exploits.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asObj, label, line, str } from "../resource.js";
import { podOf } from "../workload.js";
import { containerFieldLine, describe } from "../workload.js";

const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

export const seccompUnconfined: K8sRule = {
  id: "BW-K8S-011",
  title: "Seccomp profile set to Unconfined",
  severity: "MEDIUM",
  remediation: "Set `securityContext.seccompProfile.type` to `RuntimeDefault` (or `Localhost`) instead of `Unconfined`.",
  references: { pss: { control: "Seccomp", level: "baseline" }, avd: "KSV104", kubescape: "C-0055" },
  check(doc) {
    const { res } = doc;
    const pod = podOf(res);
    if (!pod) return [];
    const out: RuleHit[] = [];
    for (const [key, value] of Object.entries(asObj(pod.metadata.annotations))) {
      if ((key === POD_ANNOTATION || key.startsWith(CONTAINER_ANNOTATION)) && str(value) === "unconfined") {
        out.push(hit(res, line(res, [...pod.path, "metadata", "annotations", key]), `${label(res)} disables seccomp with annotation ${key}`));
      }
    }
    if (str(asObj(pod.securityContext.seccompProfile).type) === "Unconfined") {
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "seccompProfile", "type"]), `${label(res)} sets the pod seccomp profile to Unconfined`));
    }
    out.push(
      ...eachContainer(doc, (c) =>
        str(asObj(c.securityContext.seccompProfile).type) === "Unconfined"
          ? hit(res, containerFieldLine(res, c, ["securityContext", "seccompProfile", "type"]), `${describe(c)} of ${label(res)} sets seccomp profile Unconfined`, c.name)
          : undefined,
      ),
    );
    return out;
  },
  examples: {
    good: [podYaml({}), podYaml({ pod: ["securityContext:", "  seccompProfile:", "    type: RuntimeDefault"] })],
    bad: [
      podYaml({ container: ["securityContext:", "  seccompProfile:", "    type: Unconfined"] }),
      podYaml({ meta: ["annotations:", "  seccomp.security.alpha.kubernetes.io/pod: unconfined"] }),
    ],
  },
};
