// Literal secrets in env values end up in the manifest, Git history and `kubectl describe` output.
import type { K8sRule } from "../context.js";
import { eachContainer, hit, podYaml } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asArray, isObj, label, line, str } from "../resource.js";
import { describe } from "../workload.js";
import { isLiteralSecret, looksSecretName } from "../credentials.js";

export const envSecrets: K8sRule = {
  id: "BW-K8S-031",
  title: "Secret in a plain environment variable",
  severity: "HIGH",
  remediation: "Move the value into a Secret and reference it with `valueFrom.secretKeyRef` (or mount it as a file).",
  references: { cis: "CIS Kubernetes 5.4.1", kubescape: "C-0012" },
  check: (doc) =>
    eachContainer(doc, (c) => {
      const out: RuleHit[] = [];
      asArray(c.spec.env).forEach((e, i) => {
        if (!isObj(e)) return;
        const name = str(e.name) ?? "";
        const value = str(e.value);
        if (value !== undefined && looksSecretName(name) && isLiteralSecret(value)) {
          out.push(hit(doc.res, line(doc.res, [...c.path, "env", i, "value"]), `${describe(c)} of ${label(doc.res)} sets ${name} to a literal value`, c.name));
        }
      });
      return out;
    }),
  examples: {
    good: [podYaml({ container: ["env:", "  - name: DB_PASSWORD", "    valueFrom:", "      secretKeyRef:", "        name: db", "        key: password", "  - name: LOG_LEVEL", "    value: debug"] })],
    bad: [podYaml({ container: ["env:", "  - name: DB_PASSWORD", "    value: hunter2hunter2"] })],
  },
};
