import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { copyPaths } from "./add-instead-of-copy.js";
import { at } from "./util.js";

export const copyDestSlash: Rule<DockerfileDoc> = {
  id: "BW-DS-038",
  title: "COPY of several sources to a destination without a trailing slash",
  severity: "MEDIUM",
  remediation: "End the destination with `/` when copying more than one source.",
  references: { avd: "DS011", hadolint: "DL3021" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "COPY") continue;
      const p = copyPaths(i);
      if (p && p.sources.length > 1 && !p.dest.endsWith("/") && !p.dest.includes("$")) {
        hits.push(at(i, `COPY of ${p.sources.length} sources to "${p.dest}", which must end with /`));
      }
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.13\nUSER mike\nCOPY [\"package.json\", \"yarn.lock\", \"myapp/\"]"],
    bad: ["FROM alpine:3.13\nUSER mike\nCOPY [\"package.json\", \"yarn.lock\", \"myapp\"]", "FROM alpine:3.13\nCOPY a b /dest"],
  },
};
