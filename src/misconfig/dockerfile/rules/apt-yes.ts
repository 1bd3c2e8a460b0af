import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, hasFlagLike, subcommand } from "./util.js";

export const aptYes: Rule<DockerfileDoc> = {
  id: "BW-DS-036",
  title: "apt-get install without -y",
  severity: "LOW",
  remediation: "Add `-y` (`--yes`) so the build never waits for a prompt.",
  references: { avd: "DS021", hadolint: "DL3014" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apt-get")) {
      if (subcommand(c.args) !== "install") continue;
      // -y in any short-option cluster (-qy, -fmy), --yes/--assume-yes, or -qq which implies -y.
      const yes = hasFlagLike(c.args, "y") || c.args.some((a) => a === "--yes" || a === "--assume-yes" || /^-[a-z]*q[a-z]*q/.test(a) || /^--quiet=2$/.test(a));
      if (!yes) hits.push(at(c.run.instr, "apt-get install without -y waits for confirmation and fails the build"));
    }
    return hits;
  },
  examples: {
    good: ["FROM node:12\nUSER mike\nRUN apt-get -fmy install apt-utils && apt-get clean", "FROM debian:12\nRUN apt-get install -qq curl"],
    bad: ["FROM node:12\nUSER mike\nRUN apt-get install apt-utils && apt-get clean"],
  },
};
