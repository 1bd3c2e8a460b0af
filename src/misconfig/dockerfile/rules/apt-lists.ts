import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, runHas, subcommand } from "./util.js";

export const aptLists: Rule<DockerfileDoc> = {
  id: "BW-DS-010",
  title: "apt lists not removed after apt-get install",
  severity: "LOW",
  remediation: "End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (or use a cache mount for /var/lib/apt).",
  references: { hadolint: "DL3009" },
  check(doc) {
    const hits: RuleHit[] = [];
    const seen = new Set<unknown>();
    for (const c of calls(doc, "apt-get", "apt")) {
      if (subcommand(c.args) !== "install" || seen.has(c.run)) continue;
      seen.add(c.run);
      if (/--mount=[^\s]*type=cache[^\s]*\/var\/lib\/apt/.test(c.run.instr.args)) continue;
      const cleaned = runHas(c.run, (name, args) => name === "rm" && args.some((a) => a.startsWith("/var/lib/apt/lists")));
      if (!cleaned) hits.push(at(c.run.instr, "apt-get install leaves /var/lib/apt/lists in the layer"));
    }
    return hits;
  },
  examples: {
    good: ["FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*"],
    bad: ["FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean"],
  },
};
