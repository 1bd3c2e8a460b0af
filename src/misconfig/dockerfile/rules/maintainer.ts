import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at } from "./util.js";

export const maintainer: Rule<DockerfileDoc> = {
  id: "BW-DS-030",
  title: "Deprecated MAINTAINER instruction",
  severity: "LOW",
  remediation: "Use `LABEL org.opencontainers.image.authors=\"...\"` instead of MAINTAINER.",
  references: { avd: "DS022", hadolint: "DL4000" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) if (i.keyword === "MAINTAINER") hits.push(at(i, "MAINTAINER is deprecated"));
    return hits;
  },
  examples: {
    good: ["FROM busybox:1.33.1\nLABEL org.opencontainers.image.authors=me@example.com\nUSER mike"],
    bad: ["FROM busybox:1.33.1\nUSER mike\nMAINTAINER Lukas Martinelli <me@lukasmartinelli.ch>"],
  },
};
