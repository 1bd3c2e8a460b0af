import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at } from "./util.js";

export const sudo: Rule<DockerfileDoc> = {
  id: "BW-DS-007",
  title: "RUN uses sudo",
  severity: "HIGH",
  remediation: "Run the command as root with `USER root` before it and switch back with `USER app`; do not install sudo in images.",
  references: { avd: "DS010", hadolint: "DL3004" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const run of doc.runs) {
      const uses = run.commands.some((c) => c.words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) === "sudo");
      if (uses) hits.push(at(run.instr, "RUN calls sudo, which has unpredictable TTY and signal behaviour and suggests a privileged user"));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.13\nRUN pip install --upgrade pip\nUSER mike", "FROM alpine:3.20\nRUN apk add --no-cache sudo-docs"],
    bad: ["FROM alpine:3.13\nRUN  sudo pip install --upgrade pip\nUSER mike", "FROM alpine:3.13\nRUN echo ok && sudo -u app make"],
  },
};
