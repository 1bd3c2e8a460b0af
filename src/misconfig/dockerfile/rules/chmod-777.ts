import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, WORLD_WRITABLE } from "./util.js";

export const chmod777: Rule<DockerfileDoc> = {
  id: "BW-DS-027",
  title: "World-writable permissions set with chmod",
  severity: "MEDIUM",
  remediation: "Grant only the access needed (e.g. `chmod 755` or `chown app` plus `chmod 750`); never make files world-writable.",
  references: { urls: ["https://docs.docker.com/build/building/best-practices/"] },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "chmod")) {
      const mode = c.args.find((a) => WORLD_WRITABLE.test(a));
      if (mode) hits.push(at(c.run.instr, `chmod ${mode} makes files writable by every user`));
    }
    for (const i of doc.instructions) {
      const mode = i.flags.get("chmod");
      if ((i.keyword === "COPY" || i.keyword === "ADD") && mode && /^0?777$/.test(mode)) hits.push(at(i, `${i.keyword} --chmod=${mode} makes files writable by every user`));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.20\nRUN chmod 755 /app/run.sh", "FROM alpine:3.20\nRUN chmod 1777 /scratch"],
    bad: ["FROM alpine:3.20\nRUN chmod -R 777 /app", "FROM alpine:3.20\nRUN chmod a+rwx /data", "FROM alpine:3.20\nCOPY --chmod=777 run.sh /"],
  },
};
