import type { Rule, RuleHit } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { historyCalls } from "./history-commands.js";
import { WORLD_WRITABLE } from "../../dockerfile/rules/util.js";
import { hit } from "./util.js";

export const imageChmod777: Rule<ImageDoc> = {
  id: "BW-IMG-008",
  title: "World-writable permissions set while building the image",
  severity: "MEDIUM",
  remediation: "Grant only the access needed (chown to the app user, chmod 750); never make files world-writable.",
  references: { urls: ["https://docs.docker.com/build/building/best-practices/"] },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of historyCalls(doc)) {
      if (c.name !== "chmod") continue;
      const mode = c.args.find((a) => WORLD_WRITABLE.test(a));
      const target = c.args.filter((a) => !a.startsWith("-") && a !== mode).join(" ");
      if (mode) hits.push(hit(doc, `History step ${c.index} runs chmod ${mode} ${target}`.trimEnd()));
    }
    return hits;
  },
  examples: {
    good: ['{"history":[{"created_by":"RUN /bin/sh -c chmod 755 /app # buildkit"}]}'],
    bad: ['{"history":[{"created_by":"RUN /bin/sh -c chmod -R 777 /app # buildkit"}]}'],
  },
};
