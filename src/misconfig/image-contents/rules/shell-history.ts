import type { ContentsRule } from "./util.js";
import { humanBytes } from "../../../common/bytes.js";
import { sensitiveHits } from "./util.js";

export const shellHistory: ContentsRule = {
  id: "BW-IMG-013",
  title: "Shell or client history file in the image",
  severity: "MEDIUM",
  remediation: "Do not build images from an interactive session; remove history files in the layer that creates them, or link them to /dev/null.",
  references: { dockle: "DKL-LI-0003", cis: "CIS Docker 4.10" },
  check: (doc) => sensitiveHits(doc, "history", (s) => (s.entry.size === 0 ? null : `/${s.entry.path} (${humanBytes(s.entry.size)}) records commands typed in a shell or client, often with passwords`)),
  examples: {
    good: ["-rw------- 0 root/.bash_history", "lrwxrwxrwx 0 root/.bash_history -> /dev/null"],
    bad: ["-rw------- 120 root/.bash_history", "-rw------- 64 home/app/.psql_history\n---\nwh home/app/.psql_history"],
  },
};
