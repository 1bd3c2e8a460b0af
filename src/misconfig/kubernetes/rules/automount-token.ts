// A mounted service-account token is a ready credential for the API server if the pod is compromised.
// The pod's own setting wins; when it sets none, its ServiceAccount's (in any scanned file) applies.
import type { K8sRule } from "../context.js";
import { deferred } from "../context.js";
import { podYaml } from "../checks.js";
import type { TokenFact } from "../serviceaccount.js";
import { tokenFact, tokenMount } from "../serviceaccount.js";

const SA_NO_TOKEN = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\nautomountServiceAccountToken: false";

export const automountToken: K8sRule = {
  id: "BW-K8S-028",
  title: "Service account token is mounted automatically",
  severity: "LOW",
  remediation: "Set `automountServiceAccountToken: false` in the pod spec (or on its ServiceAccount) unless the workload calls the Kubernetes API.",
  references: { avd: "KSV036", cis: "CIS Kubernetes 5.1.6", kubescape: "C-0034" },
  check: () => [],
  deferred: deferred<TokenFact>({
    collect: tokenFact,
    check(f, index) {
      const m = tokenMount(f, index);
      if (!m.mounted) return [];
      return [{ message: `${f.label} mounts its service account token: ${m.because}`, line: f.automountLine, resource: f.resource }];
    },
  }),
  examples: {
    good: [podYaml({ pod: ["automountServiceAccountToken: false"] }), podYaml({ pod: ["serviceAccountName: web"] }) + "\n" + SA_NO_TOKEN],
    bad: [
      podYaml({}),
      podYaml({ pod: ["automountServiceAccountToken: true"] }),
      podYaml({ pod: ["serviceAccountName: web", "automountServiceAccountToken: true"] }) + "\n" + SA_NO_TOKEN,
      podYaml({ pod: ["serviceAccountName: other"] }) + "\n" + SA_NO_TOKEN,
    ],
  },
};
