// Everything in a namespace shares the default service account, so its permissions leak to all pods.
import type { K8sRule } from "../context.js";
import { hit, podYaml } from "../checks.js";
import { label, line, str } from "../resource.js";
import { podOf } from "../workload.js";

export const defaultServiceAccount: K8sRule = {
  id: "BW-K8S-030",
  title: "Workload uses the default service account",
  severity: "LOW",
  remediation: "Create a dedicated ServiceAccount for the workload and set `serviceAccountName`.",
  references: { cis: "CIS Kubernetes 5.1.5", kubescape: "C-0189" },
  check({ res }) {
    const pod = podOf(res);
    // No token mounted means the account grants nothing to the pod.
    if (!pod || pod.spec.automountServiceAccountToken === false) return [];
    const sa = str(pod.spec.serviceAccountName) ?? str(pod.spec.serviceAccount);
    if (sa !== undefined && sa !== "default") return [];
    const field = pod.spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount";
    return [hit(res, line(res, [...pod.specPath, field]), `${label(res)} runs with the default service account and its token mounted`)];
  },
  examples: {
    good: [podYaml({ pod: ["serviceAccountName: web"] }), podYaml({ pod: ["automountServiceAccountToken: false"] })],
    bad: [podYaml({}), podYaml({ pod: ["serviceAccountName: default"] })],
  },
};
