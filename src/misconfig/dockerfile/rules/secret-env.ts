import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { isPlaceholder, isSecretName, secretValueKind } from "../secret-patterns.js";
import { at } from "./util.js";

interface PropertyLike {
  getName(): string;
  getValue(): string | null;
}

export const secretEnv: Rule<DockerfileDoc> = {
  id: "BW-DS-019",
  title: "Secret in ENV or ARG",
  severity: "HIGH",
  remediation:
    "Never bake secrets into ENV or ARG: they stay in the image config and history. Use `RUN --mount=type=secret` at build time and inject secrets at run time.",
  references: { cis: "CIS Docker 4.10", urls: ["https://docs.docker.com/build/building/secrets/"] },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "ENV" && i.keyword !== "ARG") continue;
      const props = (i.node as unknown as { getProperties?: () => PropertyLike[] }).getProperties?.() ?? [];
      for (const p of props) {
        const name = p.getName();
        const value = p.getValue();
        const kind = value ? secretValueKind(value) : null;
        if (kind) {
          hits.push({ ...at(i, `${i.keyword} ${name}=***** holds a ${kind}`), severity: "CRITICAL" });
        } else if (isSecretName(name)) {
          // A build ARG without a value is still a secret passed in and recorded in the image history.
          if (i.keyword === "ENV" && value !== null && value.trim() === "") continue;
          const shown = value === null ? name : `${name}=*****`;
          const why = i.keyword === "ARG" ? "build arguments are recorded in the image history" : "it stays in the image config";
          const refOnly = i.keyword === "ENV" && isPlaceholder(value) ? " (copied from a variable)" : "";
          hits.push(at(i, `${i.keyword} ${shown} looks like a secret${refOnly}; ${why}`));
        }
      }
    }
    return hits;
  },
  examples: {
    good: [
      "FROM alpine:3.20\nENV PASSWORD_FILE=/run/secrets/db APP_MODE=prod\nRUN --mount=type=secret,id=token cat /run/secrets/token",
      "FROM alpine:3.20\nARG VERSION=1.2\nENV TOKEN_URL=https://auth.example.com",
    ],
    bad: [
      "FROM alpine:3.20\nENV DB_PASSWORD=hunter2",
      "FROM alpine:3.20\nARG NPM_TOKEN\nRUN npm ci",
      "FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID AKIAIOSFODNN7EXAMPLE",
      "FROM alpine:3.20\nENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
  },
};
