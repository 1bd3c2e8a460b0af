// ConfigMaps are not encrypted or access-restricted like Secrets, so credentials do not belong there.
import type { K8sRule } from "../context.js";
import { hit } from "../checks.js";
import type { RuleHit } from "../../types.js";
import { asObj, label, line, str } from "../resource.js";
import { isLiteralSecret, looksSecretName, secretAssignments } from "../credentials.js";

export const configMapCredentials: K8sRule = {
  id: "BW-K8S-032",
  title: "ConfigMap holds credentials",
  severity: "MEDIUM",
  remediation: "Move credentials into a Secret (or an external secret store) and reference it from the workload.",
  references: { avd: "KSV01010", kubescape: "C-0012" },
  check({ res }) {
    if (res.kind !== "ConfigMap") return [];
    const out: RuleHit[] = [];
    for (const [key, raw] of Object.entries(asObj(res.obj.data))) {
      const value = str(raw) ?? "";
      const names = looksSecretName(key) && isLiteralSecret(value) ? [key] : secretAssignments(value);
      if (names.length > 0) out.push(hit(res, line(res, ["data", key]), `${label(res)} key "${key}" holds a credential (${names.join(", ")})`));
    }
    return out;
  },
  examples: {
    good: [
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  config: REDIS_PASSWORD=\n  log_level: info",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  env: REDIS_PASSWORD=${REDIS_PASSWORD}",
    ],
    bad: [
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  password: supersecret",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  app.env: |\n    LOG_LEVEL=info\n    API_TOKEN=abcd1234efgh\n",
    ],
  },
};
