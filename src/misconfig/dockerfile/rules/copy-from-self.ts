import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at } from "./util.js";

export const copyFromSelf: Rule<DockerfileDoc> = {
  id: "BW-DS-033",
  title: "COPY --from refers to its own stage",
  severity: "MEDIUM",
  remediation: "COPY --from must name a different, earlier stage.",
  references: { avd: "DS006", hadolint: "DL3023" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      const from = i.keyword === "COPY" ? i.flags.get("from") : undefined;
      const stage = doc.stages[i.stage];
      if (!from || !stage) continue;
      if (from.toLowerCase() === stage.alias || from === String(stage.index)) hits.push(at(i, `COPY --from=${from} refers to the stage it is in`));
    }
    return hits;
  },
  examples: {
    good: ["FROM golang:1.7.3 as dep\nCOPY  /binary /\n\nFROM alpine:3.13\nUSER mike\nCOPY --from=dep /binary /"],
    bad: ["FROM golang:1.7.3 as dep\nCOPY --from=dep /binary /\n\nFROM alpine:3.13\nUSER mike"],
  },
};
