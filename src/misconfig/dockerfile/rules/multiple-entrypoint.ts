import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { repeatedInStage } from "./multiple.js";

export const multipleEntrypoint: Rule<DockerfileDoc> = {
  id: "BW-DS-024",
  title: "Multiple ENTRYPOINT instructions in one stage",
  severity: "MEDIUM",
  remediation: "Keep one ENTRYPOINT per stage; only the last one takes effect.",
  references: { avd: "DS007", hadolint: "DL4004" },
  check: (doc) => repeatedInStage(doc, "ENTRYPOINT"),
  examples: {
    good: ["FROM golang:1.7.3 as dep\nCOPY /binary /\n\nFROM alpine:3.13\nUSER mike\nENTRYPOINT [ \"/opt/app/run.sh\" ]"],
    bad: ["FROM golang:1.7.3 as dep\nENTRYPOINT [ \"/opt/app/run.sh\" ]\nENTRYPOINT [ \"/opt/app/run.sh\" ]\n\nFROM alpine:3.13\nENTRYPOINT [ \"/run.sh\" ]"],
  },
};
