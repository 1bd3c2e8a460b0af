// A probe or lifecycle hook with `host` makes the kubelet connect wherever the pod author says,
// from the node: a blind SSRF into node-local services or the cloud metadata endpoint.
// Baseline from v1.34 (KEP-4940): httpGet.host and tcpSocket.host must be unset or "", loopback included.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import type { PathStep } from "../../yaml/positions.js";
import { asObj, isObj, label, str } from "../resource.js";
import { containerFieldLine, describe } from "../workload.js";

const HANDLERS: PathStep[][] = [
  ["livenessProbe"],
  ["readinessProbe"],
  ["startupProbe"],
  ["lifecycle", "postStart"],
  ["lifecycle", "preStop"],
];

export const hostProbes: K8sRule = {
  id: "BW-K8S-046",
  title: "Probe or lifecycle hook sets a host",
  severity: "MEDIUM",
  remediation: "Remove `host` from httpGet/tcpSocket probes and lifecycle hooks (they then reach the pod's own IP), or use an exec probe.",
  references: { pss: { control: "Host Probes / Lifecycle Hooks", level: "baseline" }, urls: ["https://github.com/kubernetes/enhancements/issues/4940"] },
  check: (doc) =>
    doc.pss.minor < 34
      ? []
      : eachContainer(doc, (c) => {
          const out: RuleHit[] = [];
          for (const path of HANDLERS) {
            let handler: unknown = c.spec;
            for (const step of path) handler = asObj(handler)[step as string];
            if (!isObj(handler)) continue;
            for (const action of ["httpGet", "tcpSocket"]) {
              const host = str(asObj(handler[action]).host);
              if (host === undefined || host === "") continue;
              const where = [...path, action, "host"];
              out.push(hit(doc.res, containerFieldLine(doc.res, c, where), `${describe(c)} of ${label(doc.res)} sets ${where.join(".")}: ${host}`, c.name));
            }
          }
          return out;
        }),
  examples: {
    good: [
      podYaml({ container: ["livenessProbe:", "  httpGet:", "    path: /healthz", "    port: 8080"] }),
      podYaml({ container: ["readinessProbe:", "  tcpSocket:", "    host: \"\"", "    port: 8080"] }),
    ],
    bad: [
      podYaml({ container: ["livenessProbe:", "  httpGet:", "    host: 169.254.169.254", "    path: /latest/meta-data/", "    port: 80"] }),
      podYaml({ container: ["lifecycle:", "  preStop:", "    httpGet:", "      host: 127.0.0.1", "      port: 10250"] }),
      podYaml({ container: ["startupProbe:", "  tcpSocket:", "    host: ::1", "    port: 8080"] }),
    ],
  },
};
