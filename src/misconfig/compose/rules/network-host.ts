// Host networking exposes host-only services and lets the container sniff host traffic.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";

export const networkHost: ComposeRule = {
  id: "BW-COMPOSE-002",
  title: "Service uses the host network",
  severity: "HIGH",
  remediation: "Remove network_mode: host and publish only the ports the service needs.",
  references: { cis: "CIS Docker 5.9" },
  check: (doc) =>
    eachService(doc, (s) =>
      str(s.obj.network_mode)?.toLowerCase() === "host" ? hit(s, doc.lineOf(s, ["network_mode"]), `service "${s.name}" sets network_mode: host`) : undefined,
    ),
  examples: {
    good: [composeYaml([])],
    bad: [composeYaml(["network_mode: host"])],
  },
};
