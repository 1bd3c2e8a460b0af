import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { exposedPorts } from "./ports.js";
import { at } from "./util.js";

export const exposeSsh: Rule<DockerfileDoc> = {
  id: "BW-DS-020",
  title: "SSH port 22 exposed",
  severity: "HIGH",
  remediation: "Do not run SSH in containers; use `docker exec` / `kubectl exec` for access and remove `EXPOSE 22`.",
  references: { avd: "DS004" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "EXPOSE") continue;
      const p = exposedPorts(i).find((x) => x.from <= 22 && 22 <= x.to);
      if (p) hits.push(at(i, `EXPOSE ${p.text} publishes the SSH port`));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.13\nUSER mike\nEXPOSE 8080", "FROM alpine:3.13\nEXPOSE 2222"],
    bad: ["FROM alpine:3.13\nUSER mike\nEXPOSE 22", "FROM alpine:3.13\nEXPOSE 80 22/tcp"],
  },
};
