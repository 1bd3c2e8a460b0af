import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls } from "./util.js";

export const runCd: Rule<DockerfileDoc> = {
  id: "BW-DS-029",
  title: "RUN cd used instead of WORKDIR",
  severity: "LOW",
  remediation: "Use `WORKDIR /path` to change directory; a `cd` in RUN does not carry over and is easy to misread.",
  references: { avd: "DS013", hadolint: "DL3003" },
  check(doc) {
    const hits: RuleHit[] = [];
    const seen = new Set<unknown>();
    for (const c of calls(doc, "cd")) {
      if (seen.has(c.run)) continue;
      seen.add(c.run);
      hits.push(at(c.run.instr, `RUN changes directory with cd ${c.args[0] ?? ""}`.trimEnd()));
    }
    return hits;
  },
  examples: {
    good: ["FROM nginx:1.27\nWORKDIR /usr/share/nginx/html\nUSER mike\nCMD cd /usr/share/nginx/html && nginx -g 'daemon off;'"],
    bad: ["FROM nginx:1.27\nRUN cd /usr/share/nginx/html\nUSER mike", "FROM debian:12\nRUN cd /src && make"],
  },
};
