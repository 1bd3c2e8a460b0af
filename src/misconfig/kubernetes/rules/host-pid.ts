// Sharing the host's PID namespace exposes host processes and interfaces to the pod.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { label, line } from "../resource.js";
import { podOf } from "../workload.js";

export const hostPid: K8sRule = {
  id: "BW-K8S-002",
  title: "Pod shares the host PID namespace",
  severity: "HIGH",
  remediation: "Remove `hostPID: true` from the pod spec; the pod should use its own namespace.",
  references: { pss: { control: "Host Namespaces", level: "baseline" }, avd: "KSV010", cis: "CIS Kubernetes 5.2.3", kubescape: "C-0038" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod || pod.spec.hostPID !== true) return [];
    return [hit(res, line(res, [...pod.specPath, "hostPID"]), `${label(res)} sets hostPID: true`)];
  },
  examples: {
    good: [podYaml({}), podYaml({ pod: ["hostPID: false"] })],
    bad: [podYaml({ pod: ["hostPID: true"] })],
  },
};
