import type { Rule } from "../../types.js";
import type { DockerfileDoc, Stage } from "../doc.js";
import { stageChain } from "../doc.js";
import { at } from "./util.js";

function hasHealthcheck(doc: DockerfileDoc, stage: Stage): boolean {
  for (const s of stageChain(doc, stage)) if (s.instructions.some((i) => i.keyword === "HEALTHCHECK")) return true;
  return false;
}

export const healthcheck: Rule<DockerfileDoc> = {
  id: "BW-DS-022",
  title: "No HEALTHCHECK in the final image",
  severity: "LOW",
  remediation: "Add a `HEALTHCHECK CMD ...` so the runtime can tell when the container stops working.",
  references: { avd: "DS026", cis: "CIS Docker 4.6" },
  check(doc) {
    const s = doc.finalStage;
    if (!s || hasHealthcheck(doc, s)) return [];
    return [at(s.from, `The final stage (${s.image ?? "no image"}) defines no HEALTHCHECK`)];
  },
  examples: {
    good: ["FROM nginx:1.27\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nUSER nginx"],
    bad: ["FROM nginx:1.27\nUSER nginx"],
  },
};
