import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, subcommand } from "./util.js";

export const aptRecommends: Rule<DockerfileDoc> = {
  id: "BW-DS-009",
  title: "apt-get install without --no-install-recommends",
  severity: "LOW",
  remediation: "Add `--no-install-recommends` so only the packages you asked for (and their dependencies) are installed.",
  references: { avd: "DS029", hadolint: "DL3015", cis: "CIS Docker 4.3" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apt-get", "apt")) {
      if (subcommand(c.args) !== "install") continue;
      const off = c.args.some((a) => a === "--no-install-recommends" || /Install-Recommends=(?:false|0|no)/i.test(a));
      if (!off) hits.push(at(c.run.instr, "apt-get install also installs recommended packages, widening the attack surface"));
    }
    return hits;
  },
  examples: {
    good: ["FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"],
    bad: ["FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"],
  },
};
