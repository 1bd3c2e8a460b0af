import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at } from "./util.js";

export const workdirRelative: Rule<DockerfileDoc> = {
  id: "BW-DS-026",
  title: "WORKDIR path is relative",
  severity: "LOW",
  remediation: "Use an absolute path in WORKDIR, e.g. `WORKDIR /app`.",
  references: { avd: "DS009", hadolint: "DL3000" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "WORKDIR") continue;
      const dir = i.args.replace(/^["']|["']$/g, "");
      // Variables may expand to absolute paths; C:\ style paths are absolute on Windows images.
      if (dir === "" || dir.startsWith("/") || dir.startsWith("$") || /^[A-Za-z]:[\\/]/.test(dir)) continue;
      hits.push(at(i, `WORKDIR ${dir} is relative to whatever the previous WORKDIR was`));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.13\nUSER mike\nWORKDIR /path/to/workdir", "FROM alpine:3.13\nWORKDIR $HOME/app"],
    bad: ["FROM alpine:3.13\nUSER mike\nWORKDIR path/to/workdir"],
  },
};
