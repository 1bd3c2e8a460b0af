import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, subcommand } from "./util.js";

export const aptUpgrade: Rule<DockerfileDoc> = {
  id: "BW-DS-011",
  title: "apt-get upgrade or dist-upgrade in the image build",
  severity: "MEDIUM",
  remediation: "Rebuild from an updated base image instead of upgrading all packages inside the build; install only what you need.",
  // No Hadolint reference: Hadolint deleted DL3005 (Docker's best practices now allow upgrading in the
  // build); this rule keeps Trivy's DS024 reading (docs/dockerfile-rules.md).
  references: { avd: "DS024" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apt-get", "apt")) {
      const sub = subcommand(c.args);
      if (sub === "upgrade" || sub === "dist-upgrade" || sub === "full-upgrade") hits.push(at(c.run.instr, `RUN uses apt-get ${sub}`));
    }
    return hits;
  },
  examples: {
    good: ["FROM debian:9.13\nRUN apt-get update && apt-get install -y curl && apt-get clean\nUSER mike"],
    bad: ["FROM debian:9.13\nRUN apt-get update && apt-get dist-upgrade && apt-get -y install curl && apt-get clean\nUSER mike", "FROM debian:12\nRUN apt-get -y upgrade"],
  },
};
