import type { Rule, RuleHit } from "../../types.js";
import { isPlaceholder, isSecretName, secretValueKind } from "../../dockerfile/secret-patterns.js";
import type { ImageDoc } from "../types.js";
import { hit, splitEnv } from "./util.js";

export const imageSecretEnv: Rule<ImageDoc> = {
  id: "BW-IMG-003",
  title: "Secret in the image environment",
  severity: "HIGH",
  remediation: "Remove the secret from ENV, rebuild, and rotate it: anyone who can pull the image can read it. Inject secrets at run time.",
  references: { cis: "CIS Docker 4.10" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const entry of doc.config.Env ?? []) {
      if (typeof entry !== "string") continue;
      const { name, value } = splitEnv(entry);
      const kind = secretValueKind(value);
      if (kind) hits.push({ ...hit(doc, `Environment variable ${name}=***** holds a ${kind}`), severity: "CRITICAL" });
      else if (isSecretName(name) && !isPlaceholder(value)) hits.push(hit(doc, `Environment variable ${name}=***** looks like a secret`));
    }
    return hits;
  },
  examples: {
    good: ['{"config":{"Env":["PATH=/usr/bin","PASSWORD_FILE=/run/secrets/db","API_TOKEN="]}}'],
    bad: ['{"config":{"Env":["DB_PASSWORD=hunter2"]}}', '{"config":{"Env":["AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"]}}'],
  },
};
