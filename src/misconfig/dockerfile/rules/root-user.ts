import type { Rule, RuleHit } from "../../types.js";
import type { DfInstruction, DockerfileDoc, Stage } from "../doc.js";
import { stageChain } from "../doc.js";
import { at } from "./util.js";

/** The last USER that applies to a stage, following `FROM <earlier stage>` chains. */
function lastUser(doc: DockerfileDoc, stage: Stage): DfInstruction | undefined {
  for (const s of stageChain(doc, stage)) {
    const users = s.instructions.filter((i) => i.keyword === "USER");
    if (users.length > 0) return users[users.length - 1];
  }
  return undefined;
}

export const rootUser: Rule<DockerfileDoc> = {
  id: "BW-DS-001",
  title: "Image runs as root",
  severity: "HIGH",
  remediation: "Add a non-root user (e.g. `RUN useradd -r app`) and switch to it with `USER app` in the final stage.",
  // No Hadolint reference on purpose: Hadolint's DL3002 only reports an explicit `USER root` (in any
  // stage, builders included) and stays silent when no USER is set; this rule judges the user the
  // final image runs as, so a missing USER is reported and a builder's root is not (docs/dockerfile-rules.md).
  references: { avd: "DS002", cis: "CIS Docker 4.1" },
  check(doc) {
    const stage = doc.finalStage;
    if (!stage) return [];
    const user = lastUser(doc, stage);
    if (!user) {
      return [at(stage.from, `The final stage (${stage.image ?? "no image"}) sets no USER, so the container runs as root`)];
    }
    const name = (user.words[0] ?? "").split(":")[0]!;
    const hits: RuleHit[] = [];
    if (name === "root" || name === "0") hits.push(at(user, `The last USER is "${name}": the container runs as root`));
    return hits;
  },
  examples: {
    good: ["FROM debian:12\nRUN useradd -r app\nUSER app\nCMD [\"app\"]", "FROM alpine:3.20 AS base\nUSER 1000\nFROM base\nCMD [\"app\"]"],
    bad: ["FROM debian:12\nRUN apt-get update", "FROM alpine:3.20\nUSER app\nRUN id\nUSER root", "FROM alpine:3.20\nUSER 0:0"],
  },
};
