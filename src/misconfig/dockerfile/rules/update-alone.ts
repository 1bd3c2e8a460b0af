import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, runHas, subcommand } from "./util.js";

const UPDATES: Record<string, string[]> = { "apt-get": ["install"], apt: ["install"], apk: ["add"] };

export const updateAlone: Rule<DockerfileDoc> = {
  id: "BW-DS-037",
  title: "Package index update in a RUN of its own",
  severity: "MEDIUM",
  remediation: "Update and install in the same RUN (`apt-get update && apt-get install -y ...`) so a cached update layer never serves stale indexes.",
  references: { avd: "DS017", cis: "CIS Docker 4.7" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const run of doc.runs) {
      let manager: string | undefined;
      const updates = runHas(run, (name, args) => {
        if (UPDATES[name] && subcommand(args) === "update") manager = name;
        return manager !== undefined;
      });
      if (!updates || !manager) continue;
      const installs = runHas(run, (name, args) => UPDATES[name] !== undefined && UPDATES[name]!.includes(subcommand(args)));
      if (!installs) hits.push(at(run.instr, `RUN ${manager} update without an install in the same RUN`));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM ubuntu:18.04\nRUN apt-get update && apt-get install -y --no-install-recommends mysql-client && rm -rf /var/lib/apt/lists/*",
      "FROM debian:trixie\nRUN <<EOF\napt-get update\napt-get install --no-install-recommends -y gettext\nEOF",
    ],
    bad: ["FROM ubuntu:18.04\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends mysql-client && rm -rf /var/lib/apt/lists/*"],
  },
};
