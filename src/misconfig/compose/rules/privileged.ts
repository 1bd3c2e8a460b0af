// A privileged container has every capability and all host devices: it is root on the host.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, str } from "../doc.js";

export const privileged: ComposeRule = {
  id: "BW-COMPOSE-001",
  title: "Privileged service",
  severity: "HIGH",
  remediation: "Remove privileged: true and add only the capabilities the service needs.",
  references: { cis: "CIS Docker 5.4" },
  check: (doc) =>
    eachService(doc, (s) =>
      str(s.obj.privileged)?.toLowerCase() === "true" ? hit(s, doc.lineOf(s, ["privileged"]), `service "${s.name}" sets privileged: true`) : undefined,
    ),
  examples: {
    good: [composeYaml([])],
    bad: [composeYaml(["privileged: true"])],
  },
};
