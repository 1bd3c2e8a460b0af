import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, runHas, subcommand } from "./util.js";

export const apkCache: Rule<DockerfileDoc> = {
  id: "BW-DS-012",
  title: "apk add without --no-cache",
  severity: "LOW",
  remediation: "Use `apk add --no-cache ...` so the package index is not kept in the layer.",
  references: { avd: "DS025", hadolint: "DL3019" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "apk")) {
      if (subcommand(c.args) !== "add" || c.args.includes("--no-cache")) continue;
      if (/--mount=[^\s]*type=cache[^\s]*\/(?:var\/cache\/apk|etc\/apk\/cache)/.test(c.run.instr.args)) continue;
      const cleaned = runHas(c.run, (name, args) => name === "rm" && args.some((a) => a.startsWith("/var/cache/apk")));
      if (!cleaned) hits.push(at(c.run.instr, "apk add keeps the package index in the layer"));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0", "FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*"],
    bad: ["FROM alpine:3.20\nRUN apk add curl=8.9.1-r0"],
  },
};
