// A mounted service-account token is a ready credential for the API server if the pod is compromised.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { label, line } from "../resource.js";
import { podOf } from "../workload.js";

export const automountToken: K8sRule = {
  id: "BW-K8S-028",
  title: "Service account token is mounted automatically",
  severity: "LOW",
  remediation: "Set `automountServiceAccountToken: false` in the pod spec unless the workload calls the Kubernetes API.",
  references: { avd: "KSV036", cis: "CIS Kubernetes 5.1.6", kubescape: "C-0034" },
  check({ res }) {
    const pod = podOf(res);
    if (!pod || pod.spec.automountServiceAccountToken === false) return [];
    return [hit(res, line(res, [...pod.specPath, "automountServiceAccountToken"]), `${label(res)} does not set automountServiceAccountToken: false`)];
  },
  examples: {
    good: [podYaml({ pod: ["automountServiceAccountToken: false"] })],
    bad: [podYaml({}), podYaml({ pod: ["automountServiceAccountToken: true"] })],
  },
};
