// Sharing the host's IPC namespace exposes host processes and interfaces to the pod.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { label, line } from "../resource.js";
import { podOf } from "../workload.js";

export const hostIpc: K8sRule = {
  id: "BW-K8S-003",
  title: "Pod shares the host IPC namespace",
  severity: "HIGH",
  remediation: "Remove `hostIPC: true` from the pod spec; the pod should use its own namespace.",
  references: { pss: { control: "Host Namespaces", level: "baseline" }, avd: "KSV008", cis: "CIS Kubernetes 5.2.4", kubescape: "C-0038" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod || pod.spec.hostIPC !== true) return [];
    return [hit(res, line(res, [...pod.specPath, "hostIPC"]), `${label(res)} sets hostIPC: true`)];
  },
  examples: {
    good: [podYaml({}), podYaml({ pod: ["hostIPC: false"] })],
    bad: [podYaml({ pod: ["hostIPC: true"] })],
  },
};
