import type { Rule, RuleHit } from "../../types.js";
import { isPlaceholder, isSecretName, secretValueKind } from "../../dockerfile/secret-patterns.js";
import type { ImageDoc } from "../types.js";
import { hit } from "./util.js";

// NAME=value pairs: in `|2 NPM_TOKEN=abc X=1 /bin/sh -c …` (build args), ENV steps and inline assignments.
const ASSIGNMENT = /(?:^|[\s|;&"'])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]*)/g;

export const imageSecretHistory: Rule<ImageDoc> = {
  id: "BW-IMG-005",
  title: "Secret in the image history",
  severity: "HIGH",
  remediation:
    "Rebuild without passing the secret through ARG, ENV or the RUN command line (use `RUN --mount=type=secret`), and rotate it: history is readable by anyone who can pull the image.",
  references: { cis: "CIS Docker 4.10" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const step of doc.history) {
      const kind = secretValueKind(step.createdBy);
      if (kind) {
        hits.push({ ...hit(doc, `History step ${step.index} contains a ${kind}`), severity: "CRITICAL" });
        continue;
      }
      const names = new Set<string>();
      for (const m of step.createdBy.matchAll(ASSIGNMENT)) {
        const value = m[2]!.replace(/^["']|["']$/g, "");
        if (isSecretName(m[1]!) && !isPlaceholder(value)) names.add(m[1]!);
      }
      if (names.size > 0) {
        const shown = [...names].map((n) => `${n}=*****`).join(", ");
        hits.push(hit(doc, `History step ${step.index} records ${shown}`));
      }
    }
    return hits;
  },
  examples: {
    good: ['{"history":[{"created_by":"/bin/sh -c #(nop)  ENV PATH=/usr/local/bin"},{"created_by":"RUN |1 VERSION=1.2 /bin/sh -c make # buildkit"}]}'],
    bad: [
      '{"history":[{"created_by":"RUN |1 NPM_TOKEN=abcdef123456 /bin/sh -c npm ci # buildkit"}]}',
      '{"history":[{"created_by":"/bin/sh -c git clone https://ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@github.com/x/y"}]}',
    ],
  },
};
