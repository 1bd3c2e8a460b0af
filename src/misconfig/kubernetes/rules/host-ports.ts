// hostPort binds straight to the node's interfaces, bypassing Services and NetworkPolicies.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, isObj, label, line } from "../resource.js";
import { describe } from "../workload.js";

export const hostPorts: K8sRule = {
  id: "BW-K8S-007",
  title: "Container uses host ports",
  severity: "MEDIUM",
  remediation: "Remove `hostPort` and expose the container through a Service.",
  references: { pss: { control: "Host Ports", level: "baseline" }, avd: "KSV024", cis: "CIS Kubernetes 5.2.13", kubescape: "C-0044" },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const out: RuleHit[] = [];
      asArray(c.spec.ports).forEach((p, i) => {
        if (isObj(p) && typeof p.hostPort === "number" && p.hostPort !== 0) {
          out.push(hit(doc.res, line(doc.res, [...c.path, "ports", i, "hostPort"]), `${describe(c)} of ${label(doc.res)} binds host port ${p.hostPort}`, c.name));
        }
      });
      return out;
    }),
  examples: {
    good: [podYaml({ container: ["ports:", "  - containerPort: 8080"] })],
    bad: [podYaml({ container: ["ports:", "  - containerPort: 8080", "    hostPort: 8080"] })],
  },
};
