import type { Rule, RuleHit } from "../../types.js";
import { isPlaceholder, isSecretName, secretValueKind } from "../../dockerfile/secret-patterns.js";
import type { ImageDoc } from "../types.js";
import { hit } from "./util.js";

export const imageSecretLabel: Rule<ImageDoc> = {
  id: "BW-IMG-004",
  title: "Secret in an image label",
  severity: "HIGH",
  remediation: "Remove the secret from the label, rebuild, and rotate it.",
  references: { cis: "CIS Docker 4.10" },
  check(doc) {
    const hits: RuleHit[] = [];
    const labels = doc.config.Labels ?? {};
    for (const [name, value] of Object.entries(labels)) {
      if (typeof value !== "string") continue;
      const kind = secretValueKind(value);
      // Label keys use dots (com.example.api-token); compare them in env-name form.
      const envName = name.replace(/[.-]/g, "_");
      if (kind) hits.push({ ...hit(doc, `Label ${name}=***** holds a ${kind}`), severity: "CRITICAL" });
      else if (isSecretName(envName) && !isPlaceholder(value)) hits.push(hit(doc, `Label ${name}=***** looks like a secret`));
    }
    return hits;
  },
  examples: {
    good: ['{"config":{"Labels":{"org.opencontainers.image.source":"https://github.com/x/y"}}}', '{"config":{"Labels":null}}'],
    bad: ['{"config":{"Labels":{"com.example.api-token":"s3cr3tvalue"}}}'],
  },
};
