// Capabilities beyond Docker's default set hand the container parts of root's power over the host.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, strings } from "../doc.js";
import { DANGEROUS_CAPABILITIES, normalizeCap } from "../../kubernetes/capabilities.js";

// Docker's default set: adding these changes nothing.
const SAFE = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

export const capAdd: ComposeRule = {
  id: "BW-COMPOSE-005",
  title: "Service adds dangerous capabilities",
  severity: "MEDIUM",
  remediation: "Remove the extra entries from cap_add; prefer `cap_drop: [ALL]` and add back only what is needed.",
  references: { cis: "CIS Docker 5.3" },
  check: (doc) =>
    eachService(doc, (s) => {
      const extra = strings(s.obj.cap_add).map(normalizeCap).filter((c) => !SAFE.has(c));
      if (extra.length === 0) return undefined;
      const h = hit(s, doc.lineOf(s, ["cap_add"]), `service "${s.name}" adds ${extra.join(", ")}`);
      if (extra.some((c) => DANGEROUS_CAPABILITIES.has(c))) h.severity = "HIGH";
      return h;
    }),
  examples: {
    good: [composeYaml(["cap_drop: [ALL]", "cap_add: [NET_BIND_SERVICE]"])],
    bad: [composeYaml(["cap_add:", "  - SYS_ADMIN"]), composeYaml(["cap_add: [ALL]"]), composeYaml(["cap_add: [SYS_TIME]"])],
  },
};
