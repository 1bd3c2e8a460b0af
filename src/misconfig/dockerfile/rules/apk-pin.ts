import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, packageArgs, short, subcommand } from "./util.js";

export const apkPin: Rule<DockerfileDoc> = {
  id: "BW-DS-013",
  title: "apk add without version pins",
  severity: "LOW",
  remediation: "Pin package versions (`apk add --no-cache curl=8.9.1-r0`, or `curl~8.9`) so builds are reproducible.",
  references: { hadolint: "DL3018" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apk")) {
      if (subcommand(c.args) !== "add") continue;
      const unpinned = packageArgs(c.args, "add").filter((p) => !/[=~<>]/.test(p) && !p.endsWith(".apk"));
      if (unpinned.length > 0) hits.push(at(c.run.instr, `apk add of unpinned packages: ${short(unpinned.join(" "))}`));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps curl=8.9.1-r0 git~2.45"],
    bad: ["FROM alpine:3.20\nRUN apk add --no-cache curl git=2.45.2-r0"],
  },
};
