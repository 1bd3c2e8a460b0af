// runAsUser: 0 explicitly runs the process as root, even with a non-root image.
// Restricted from v1.23; from v1.35 pods in a user namespace (hostUsers: false) are not checked.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { label, line } from "../resource.js";
import { containerFieldLine, describe, podOf } from "../workload.js";
import { userNamespaceRelaxed } from "../pss.js";

export const runAsUserRoot: K8sRule = {
  id: "BW-K8S-017",
  title: "Container runs as UID 0",
  severity: "MEDIUM",
  remediation: "Set `runAsUser` to a non-zero UID (or remove it and use a non-root image USER).",
  references: { pss: { control: "Running as Non-root user", level: "restricted" }, avd: "KSV105", cis: "CIS Kubernetes 5.2.7" },
  check(doc) {
    const { res } = doc;
    const pod = podOf(res);
    if (!pod || doc.pss.minor < 23 || userNamespaceRelaxed(pod.spec, doc.pss)) return [];
    const out: RuleHit[] = [];
    if (pod.securityContext.runAsUser === 0) {
      out.push(hit(res, line(res, [...pod.specPath, "securityContext", "runAsUser"]), `${label(res)} sets runAsUser: 0 for the pod`));
    }
    out.push(
      ...eachContainer(doc, (c) =>
        c.securityContext.runAsUser === 0
          ? hit(res, containerFieldLine(res, c, ["securityContext", "runAsUser"]), `${describe(c)} of ${label(res)} sets runAsUser: 0`, c.name)
          : undefined,
      ),
    );
    return out;
  },
  examples: {
    good: [podYaml({ pod: ["securityContext:", "  runAsUser: 10001"] }), podYaml({ pod: ["hostUsers: false", "securityContext:", "  runAsUser: 0"] })],
    bad: [podYaml({ container: ["securityContext:", "  runAsUser: 0"] }), podYaml({ pod: ["securityContext:", "  runAsUser: 0"] })],
  },
};
