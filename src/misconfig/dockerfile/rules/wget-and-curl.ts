import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls } from "./util.js";

export const wgetAndCurl: Rule<DockerfileDoc> = {
  id: "BW-DS-040",
  title: "Both wget and curl used",
  severity: "LOW",
  remediation: "Pick one download tool so the image carries one less binary.",
  references: { avd: "DS014", hadolint: "DL4001" },
  check(doc) {
    const wget = calls(doc, "wget")[0];
    const curl = calls(doc, "curl")[0];
    if (!wget || !curl) return [];
    const later = wget.run.instr.line >= curl.run.instr.line ? wget : curl;
    const other = later === wget ? curl : wget;
    return [at(later.run.instr, `${later.name} is used here and ${other.name} on line ${other.run.instr.line}`)];
  },
  examples: {
    good: ["FROM debian:stable-20210621\nRUN curl http://bing.com\nRUN curl http://google.com\n\nFROM baseimage:1.0\nUSER mike\nRUN curl http://bing.com"],
    bad: ["FROM debian:stable-20210621\nRUN wget http://bing.com\nRUN curl http://google.com\n\nFROM baseimage:1.0\nUSER mike\nRUN curl http://bing.com"],
  },
};
