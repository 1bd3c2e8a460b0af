import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at } from "./util.js";

export const duplicateAlias: Rule<DockerfileDoc> = {
  id: "BW-DS-034",
  title: "Duplicate build stage alias",
  severity: "MEDIUM",
  remediation: "Give every stage a unique name in `FROM ... AS name`.",
  references: { avd: "DS012", hadolint: "DL3024" },
  check(doc) {
    const hits: RuleHit[] = [];
    const first = new Map<string, number>();
    for (const s of doc.stages) {
      if (!s.alias) continue;
      const prev = first.get(s.alias);
      if (prev === undefined) first.set(s.alias, s.from.line);
      else hits.push(at(s.from, `Stage alias "${s.alias}" is already used on line ${prev}`));
    }
    return hits;
  },
  examples: {
    good: ["FROM baseImage:1.1\nRUN test\n\nFROM debian:jesse2 as build2\nUSER mike\n\nFROM debian:jesse1 as build1\nUSER mike"],
    bad: ["FROM baseImage:1.1\nRUN test\n\nFROM debian:jesse2 as build\nUSER mike\n\nFROM debian:jesse1 as build\nUSER mike"],
  },
};
