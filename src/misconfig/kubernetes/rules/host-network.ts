// Sharing the host's Network namespace exposes host processes and interfaces to the pod.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { label, line } from "../resource.js";
import { podOf } from "../workload.js";

export const hostNetwork: K8sRule = {
  id: "BW-K8S-001",
  title: "Pod shares the host network namespace",
  severity: "HIGH",
  remediation: "Remove `hostNetwork: true` from the pod spec; the pod should use its own namespace.",
  references: { pss: { control: "Host Namespaces", level: "baseline" }, avd: "KSV009", cis: "CIS Kubernetes 5.2.5", kubescape: "C-0041" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod || pod.spec.hostNetwork !== true) return [];
    return [hit(res, line(res, [...pod.specPath, "hostNetwork"]), `${label(res)} sets hostNetwork: true`)];
  },
  examples: {
    good: [podYaml({}), podYaml({ pod: ["hostNetwork: false"] })],
    bad: [podYaml({ pod: ["hostNetwork: true"] })],
  },
};
