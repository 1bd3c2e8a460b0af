// Disabling seccomp, AppArmor or SELinux labelling removes a kernel-level confinement layer.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, strings } from "../doc.js";
import type { RuleHit } from "../../types.js";

const BAD = /^(seccomp[:=]unconfined|apparmor[:=]unconfined|label[:=]disable)$/i;

export const securityOpt: ComposeRule = {
  id: "BW-COMPOSE-007",
  title: "Service disables seccomp, AppArmor or SELinux",
  severity: "HIGH",
  remediation: "Remove the `unconfined`/`disable` entries from security_opt (use a custom profile if the default one blocks the service).",
  references: { cis: "CIS Docker 5.21" },
  check: (doc) =>
    eachService(doc, (s) => {
      const out: RuleHit[] = [];
      strings(s.obj.security_opt).forEach((o, i) => {
        if (BAD.test(o.trim())) out.push(hit(s, doc.lineOf(s, ["security_opt", i]), `service "${s.name}" sets security_opt ${o}`));
      });
      return out;
    }),
  examples: {
    good: [composeYaml(["security_opt:", "  - no-new-privileges:true"])],
    bad: [composeYaml(["security_opt:", "  - seccomp:unconfined"]), composeYaml(["security_opt: [\"label=disable\", \"apparmor=unconfined\"]"])],
  },
};
