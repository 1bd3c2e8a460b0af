// Everything in a namespace shares the default service account, so its permissions leak to all pods.
// Only reported when the token is mounted (the pod's setting, else the default ServiceAccount's).
import type { K8sRule } from "../context.js";
import { deferred } from "../context.js";
import { podYaml } from "../checks.js";
import type { TokenFact } from "../serviceaccount.js";
import { tokenFact, tokenMount } from "../serviceaccount.js";

export const defaultServiceAccount: K8sRule = {
  id: "BW-K8S-030",
  title: "Workload uses the default service account",
  severity: "LOW",
  remediation: "Create a dedicated ServiceAccount for the workload and set `serviceAccountName`.",
  references: { cis: "CIS Kubernetes 5.1.5", kubescape: "C-0189" },
  check: () => [],
  deferred: deferred<TokenFact>({
    collect: (doc) => {
      const f = tokenFact(doc);
      return f && f.account === "default" ? f : undefined;
    },
    check(f, index) {
      // No token mounted means the account grants nothing to the pod.
      if (!tokenMount(f, index).mounted) return [];
      return [{ message: `${f.label} runs with the default service account and its token mounted`, line: f.accountLine, resource: f.resource }];
    },
  }),
  examples: {
    good: [
      podYaml({ pod: ["serviceAccountName: web"] }),
      podYaml({ pod: ["automountServiceAccountToken: false"] }),
      podYaml({}) + "\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: shop\nautomountServiceAccountToken: false",
    ],
    bad: [podYaml({}), podYaml({ pod: ["serviceAccountName: default"] })],
  },
};
