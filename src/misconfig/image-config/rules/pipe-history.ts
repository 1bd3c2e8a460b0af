import type { Rule, RuleHit } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { historyCalls } from "./history-commands.js";
import type { HistoryCall } from "./history-commands.js";
import { SHELLS } from "../../dockerfile/rules/util.js";
import { describeStep, hit } from "./util.js";

export const imagePipeToShell: Rule<ImageDoc> = {
  id: "BW-IMG-009",
  title: "Remote script piped into a shell while building the image",
  severity: "MEDIUM",
  remediation: "Download scripts to a file and verify a checksum or signature before running them.",
  references: { cis: "CIS Docker 4.11" },
  check(doc) {
    const hits: RuleHit[] = [];
    const byStep = new Map<number, HistoryCall[]>();
    for (const c of historyCalls(doc)) {
      const list = byStep.get(c.index);
      if (list) list.push(c);
      else byStep.set(c.index, [c]);
    }
    for (const [index, list] of byStep) {
      const fetchAt = list.findIndex((c) => c.name === "curl" || c.name === "wget");
      if (fetchAt >= 0 && list.slice(fetchAt + 1).some((c) => SHELLS.has(c.name))) {
        if (/\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z|k)?sh\b/.test(list[0]!.createdBy)) {
          hits.push(hit(doc, `History step ${index} pipes a download into a shell: ${describeStep(list[0]!.createdBy)}`));
        }
      }
    }
    return hits;
  },
  examples: {
    good: ['{"history":[{"created_by":"/bin/sh -c curl -fsSLo /tmp/i.sh https://x && sha256sum -c s"}]}'],
    bad: ['{"history":[{"created_by":"/bin/sh -c curl -fsSL https://example.com/i.sh | bash"}]}'],
  },
};
