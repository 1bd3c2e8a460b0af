// With userns_mode: host the container opts out of the daemon's user-namespace remapping, so its
// root is root on the host again.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";

export const usernsHost: ComposeRule = {
  id: "BW-COMPOSE-012",
  title: "Service shares the host user namespace",
  severity: "MEDIUM",
  remediation: "Remove userns_mode: host so the service runs under the daemon's user-namespace remapping (userns-remap).",
  references: { cis: "CIS Docker 5.30", urls: ["https://docs.docker.com/reference/compose-file/services/#userns_mode"] },
  check: (doc) =>
    eachService(doc, (s) =>
      str(s.obj.userns_mode)?.trim().toLowerCase() === "host" ? hit(s, doc.lineOf(s, ["userns_mode"]), `service "${s.name}" sets userns_mode: host`) : undefined,
    ),
  examples: {
    good: [composeYaml([]), composeYaml(["user: \"10001:10001\""])],
    bad: [composeYaml(["userns_mode: host"]), composeYaml(["userns_mode: \"host\""])],
  },
};
