import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { exposedPorts } from "./ports.js";
import { at } from "./util.js";

export const portRange: Rule<DockerfileDoc> = {
  id: "BW-DS-021",
  title: "EXPOSE port out of range",
  severity: "MEDIUM",
  remediation: "Use ports between 0 and 65535.",
  references: { avd: "DS008", hadolint: "DL3011" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "EXPOSE") continue;
      for (const p of exposedPorts(i)) {
        if (p.from > 65535 || p.to > 65535) hits.push(at(i, `EXPOSE ${p.text} is outside the valid port range 0-65535`));
      }
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.13\nUSER mike\nEXPOSE 65530 8080"],
    bad: ["FROM alpine:3.13\nUSER mike\nEXPOSE 65536 8080"],
  },
};
