import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, packageArgs, short, subcommand } from "./util.js";

export const aptPin: Rule<DockerfileDoc> = {
  id: "BW-DS-008",
  title: "apt-get install without version pins",
  severity: "LOW",
  remediation: "Pin package versions (`apt-get install -y curl=7.88.1-10+deb12u8`) so builds are reproducible.",
  references: { hadolint: "DL3008" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apt-get", "apt")) {
      if (subcommand(c.args) !== "install") continue;
      const unpinned = packageArgs(c.args, "install").filter((p) => !p.includes("=") && !p.endsWith(".deb") && !p.includes("/"));
      if (unpinned.length > 0) hits.push(at(c.run.instr, `apt-get install of unpinned packages: ${short(unpinned.join(" "))}`));
    }
    return hits;
  },
  examples: {
    good: ["FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*"],
    bad: ["FROM debian:12\nRUN apt-get install -y curl vim=2:9.0"],
  },
};
