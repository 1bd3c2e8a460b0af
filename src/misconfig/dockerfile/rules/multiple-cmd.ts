import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { repeatedInStage } from "./multiple.js";

export const multipleCmd: Rule<DockerfileDoc> = {
  id: "BW-DS-023",
  title: "Multiple CMD instructions in one stage",
  severity: "MEDIUM",
  remediation: "Keep one CMD per stage; only the last one takes effect.",
  references: { avd: "DS016", hadolint: "DL4003" },
  check: (doc) => repeatedInStage(doc, "CMD"),
  examples: {
    good: ["FROM golang:1.7.3\nUSER mike\nCMD ./apps\nFROM alpine:3.13\nCMD ./app"],
    bad: ["FROM golang:1.7.3\nUSER mike\nCMD ./app\nCMD ./apps\nFROM alpine:3.13\nCMD ./app"],
  },
};
