import type { Rule, RuleHit } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { historyCalls } from "./history-commands.js";
import { describeStep, hit } from "./util.js";

export const imageSudo: Rule<ImageDoc> = {
  id: "BW-IMG-007",
  title: "sudo used while building the image",
  severity: "MEDIUM",
  remediation: "Run build steps as root with USER root and switch back; do not ship sudo in the image.",
  references: { avd: "DS010", hadolint: "DL3004" },
  check(doc) {
    const hits: RuleHit[] = [];
    const seen = new Set<number>();
    for (const c of historyCalls(doc)) {
      if (seen.has(c.index) || c.words.find((w) => !w.includes("=")) !== "sudo") continue;
      seen.add(c.index);
      hits.push(hit(doc, `History step ${c.index} runs sudo: ${describeStep(c.createdBy)}`));
    }
    return hits;
  },
  examples: {
    good: ['{"history":[{"created_by":"/bin/sh -c apt-get install -y sudo-ldap-doc"}]}'],
    bad: ['{"history":[{"created_by":"/bin/sh -c sudo apt-get install -y curl"}]}'],
  },
};
