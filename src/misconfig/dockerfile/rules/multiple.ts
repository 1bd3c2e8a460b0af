// Instructions that only take effect once per stage (CMD, ENTRYPOINT, HEALTHCHECK): flag the ignored ones.
import type { RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, stageLabel } from "./util.js";

export function repeatedInStage(doc: DockerfileDoc, keyword: string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const s of doc.stages) {
    const list = s.instructions.filter((i) => i.keyword === keyword);
    const last = list[list.length - 1];
    for (const i of list.slice(0, -1)) {
      hits.push(at(i, `${keyword} on line ${i.line} is overridden by the one on line ${last!.line} in ${stageLabel(doc, s.index)}`));
    }
  }
  return hits;
}
