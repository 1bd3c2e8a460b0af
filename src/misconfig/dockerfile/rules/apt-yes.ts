import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, subcommand } from "./util.js";

/**
 * Whether apt-get will not prompt: -y in any short-option cluster (-y, -qy, -fmy), --yes,
 * --assume-yes, `-o APT::Get::Assume-Yes=true`, or quiet level 2, which apt-get documents as
 * implying -y: -qq, -q -q, -q=2, --quiet --quiet, --quiet=2. A single -q only hides progress.
 */
export function aptAssumesYes(args: string[]): boolean {
  let quiet = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--yes" || a === "--assume-yes") return true;
    if (a === "-o" || a === "--option") {
      if (/^APT::Get::Assume-Yes=(?:1|true|yes)$/i.test(args[i + 1] ?? "")) return true;
      i++;
    } else if (/^(?:-o|--option=)APT::Get::Assume-Yes=(?:1|true|yes)$/i.test(a)) return true;
    else if (/^-[A-Za-z]+$/.test(a)) {
      if (a.includes("y")) return true;
      quiet += a.split("q").length - 1;
    } else if (a === "--quiet") quiet++;
    else if (/^(?:-q|--quiet)=\d+$/.test(a)) quiet = Number(a.slice(a.indexOf("=") + 1));
  }
  return quiet >= 2;
}

export const aptYes: Rule<DockerfileDoc> = {
  id: "BW-DS-036",
  title: "apt-get install without -y",
  severity: "LOW",
  remediation: "Add `-y` (`--yes`) so the build never waits for a prompt.",
  references: { avd: "DS021", hadolint: "DL3014" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apt-get")) {
      if (subcommand(c.args) !== "install" || aptAssumesYes(c.args)) continue;
      hits.push(at(c.run.instr, "apt-get install without -y waits for confirmation and fails the build"));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM node:12\nUSER mike\nRUN apt-get -fmy install apt-utils && apt-get clean",
      "FROM debian:12\nRUN apt-get install -qq curl",
      "FROM debian:12\nRUN apt-get -q -q install curl && apt-get --quiet --quiet install git && apt-get -q=2 install vim",
    ],
    bad: ["FROM node:12\nUSER mike\nRUN apt-get install apt-utils && apt-get clean", "FROM debian:12\nRUN apt-get -q install curl"],
  },
};
