// runAsNonRoot makes the kubelet refuse to start the container as UID 0, whatever the image says.
// Restricted: the pod must not set false, and every container must set true or inherit the pod's
// true. From v1.35 pods in a user namespace (hostUsers: false) are not checked: their root is not
// the node's. Windows pods are not exempt.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { label } from "../resource.js";
import { containerFieldLine, describe, fieldLine, podOf } from "../workload.js";
import { userNamespaceRelaxed } from "../pss.js";

export const runAsNonRoot: K8sRule = {
  id: "BW-K8S-016",
  title: "Container may run as root",
  severity: "MEDIUM",
  remediation: "Set `securityContext.runAsNonRoot: true` on the pod (or every container) and build the image with a non-root USER.",
  references: { pss: { control: "Running as Non-root", level: "restricted" }, avd: "KSV012", cis: "CIS Kubernetes 5.2.7", kubescape: "C-0013" },
  check(doc) {
    const pod = podOf(doc.res);
    if (!pod || userNamespaceRelaxed(pod.spec, doc.pss)) return [];
    const out: RuleHit[] = [];
    const podValue = pod.securityContext.runAsNonRoot;
    // An explicit false on the pod is refused even when every container sets true.
    if (podValue === false) out.push(hit(doc.res, fieldLine(doc.res, [...pod.specPath, "securityContext", "runAsNonRoot"]), `${label(doc.res)} sets runAsNonRoot: false for the pod`));
    out.push(
      ...eachContainer(doc, (c) => {
        const v = c.securityContext.runAsNonRoot;
        if (v === true || (v === undefined && podValue === true)) return undefined;
        if (v === undefined && podValue === false) return undefined; // reported once, on the pod
        const line = v === false ? containerFieldLine(doc.res, c, ["securityContext", "runAsNonRoot"]) : containerFieldLine(doc.res, c, []);
        return hit(doc.res, line, `${describe(c)} of ${label(doc.res)} ${v === false ? "sets runAsNonRoot: false" : "does not require runAsNonRoot: true"}`, c.name);
      }),
    );
    return out;
  },
  examples: {
    good: [
      podYaml({ pod: ["securityContext:", "  runAsNonRoot: true"] }),
      podYaml({ container: ["securityContext:", "  runAsNonRoot: true"] }),
      podYaml({ pod: ["hostUsers: false"] }),
    ],
    bad: [
      podYaml({}),
      podYaml({ pod: ["securityContext:", "  runAsNonRoot: true"], container: ["securityContext:", "  runAsNonRoot: false"] }),
      podYaml({ pod: ["securityContext:", "  runAsNonRoot: false"], container: ["securityContext:", "  runAsNonRoot: true"] }),
      podYaml({ pod: ["os:", "  name: windows"] }),
    ],
  },
};
