import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, cacheMounted, calls, commandIndex, subcommand } from "./util.js";

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
      // A cache or tmpfs mount keeps the index out of the layer; so does removing it later in the same RUN.
      if (cacheMounted(c.run, "/var/cache/apk") || cacheMounted(c.run, "/etc/apk/cache")) continue;
      const cleaned = commandIndex(c.run, (name, args) => name === "rm" && args.some((a) => a.startsWith("/var/cache/apk")), c.index + 1) >= 0;
      if (!cleaned) hits.push(at(c.run.instr, "apk add keeps the package index in the layer"));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0",
      "FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*",
      "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add -U curl=8.9.1-r0",
    ],
    bad: ["FROM alpine:3.20\nRUN apk add curl=8.9.1-r0"],
  },
};
