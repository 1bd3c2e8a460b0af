// The host PID namespace lets the container see, signal and ptrace host processes.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";

export const pidHost: ComposeRule = {
  id: "BW-COMPOSE-003",
  title: "Service shares the host PID namespace",
  severity: "HIGH",
  remediation: "Remove pid: host.",
  references: { cis: "CIS Docker 5.15" },
  check: (doc) =>
    eachService(doc, (s) =>
      str(s.obj.pid)?.toLowerCase() === "host" ? hit(s, doc.lineOf(s, ["pid"]), `service "${s.name}" sets pid: host`) : undefined,
    ),
  examples: {
    good: [composeYaml([])],
    bad: [composeYaml(["pid: host"])],
  },
};
