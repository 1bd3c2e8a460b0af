import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { stageByName } from "../doc.js";
import { at } from "./util.js";

export const copyFromUndefined: Rule<DockerfileDoc> = {
  id: "BW-DS-032",
  title: "COPY --from names a stage that is not defined before it",
  severity: "MEDIUM",
  remediation: "Define the stage (`FROM ... AS name`) before the COPY, or give a full image reference with a tag (`--from=nginx:1.27`).",
  references: { hadolint: "DL3022" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      const from = i.keyword === "COPY" ? i.flags.get("from") : undefined;
      // Values with ":" "/" "@" or "$" are image references or variables, not stage names.
      if (!from || /[:/@$]/.test(from)) continue;
      if (stageByName(doc, from, i.stage)) continue;
      if (/^\d+$/.test(from) || doc.stages.some((s) => s.alias === from.toLowerCase())) {
        hits.push(at(i, `COPY --from=${from} refers to a stage that is not defined before line ${i.line}`));
      } else {
        hits.push(at(i, `COPY --from=${from} is not a stage in this file; it will be pulled as the image "${from}:latest"`));
      }
    }
    return hits;
  },
  examples: {
    good: ["FROM golang:1.22 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\nCOPY --from=0 /etc/ssl /etc/ssl\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx"],
    bad: ["FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=builder /app /app", "FROM scratch\nCOPY --from=later /a /a\nFROM alpine:3.20 AS later"],
  },
};
