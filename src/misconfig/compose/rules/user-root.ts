// An explicit root user overrides a non-root USER in the image.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";

export const userRoot: ComposeRule = {
  id: "BW-COMPOSE-010",
  title: "Service runs as root",
  severity: "LOW",
  remediation: "Set `user:` to a non-root UID (or drop it and use the image's non-root USER).",
  references: { cis: "CIS Docker 4.1" },
  check: (doc) =>
    eachService(doc, (s) => {
      const user = str(s.obj.user)?.trim();
      if (user === undefined || !/^(root|0)(:.*)?$/.test(user)) return undefined;
      return hit(s, doc.lineOf(s, ["user"]), `service "${s.name}" runs as user ${user}`);
    }),
  examples: {
    good: [composeYaml(["user: \"10001:10001\""])],
    bad: [composeYaml(["user: root"]), composeYaml(["user: \"0:0\""])],
  },
};
