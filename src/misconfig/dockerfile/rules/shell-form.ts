import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { parseJsonArray } from "../doc.js";
import { at } from "./util.js";

export const shellForm: Rule<DockerfileDoc> = {
  id: "BW-DS-031",
  title: "ENTRYPOINT or CMD in shell form",
  severity: "LOW",
  remediation: "Use the JSON (exec) form, e.g. `CMD [\"nginx\", \"-g\", \"daemon off;\"]`, so the process gets signals and runs as PID 1.",
  references: { hadolint: "DL3025" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.finalStage?.instructions ?? []) {
      if (i.keyword !== "CMD" && i.keyword !== "ENTRYPOINT") continue;
      if (i.args === "" || parseJsonArray(i.args)) continue;
      hits.push(at(i, `${i.keyword} ${i.args.slice(0, 40)} is in shell form: the process runs under /bin/sh -c and misses signals`));
    }
    return hits;
  },
  examples: {
    good: ["FROM nginx:1.27\nUSER nginx\nCMD [\"nginx\", \"-g\", \"daemon off;\"]", "FROM golang:1.22 AS b\nCMD go test\nFROM scratch\nENTRYPOINT [\"/app\"]"],
    bad: ["FROM nginx:1.27\nUSER nginx\nCMD nginx -g 'daemon off;'", "FROM alpine:3.20\nENTRYPOINT /app --serve"],
  },
};
