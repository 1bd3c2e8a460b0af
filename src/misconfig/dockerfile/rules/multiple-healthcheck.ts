import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { repeatedInStage } from "./multiple.js";

export const multipleHealthcheck: Rule<DockerfileDoc> = {
  id: "BW-DS-025",
  title: "Multiple HEALTHCHECK instructions in one stage",
  severity: "LOW",
  remediation: "Keep one HEALTHCHECK per stage; only the last one takes effect.",
  references: { avd: "DS023", hadolint: "DL3012" },
  check: (doc) => repeatedInStage(doc, "HEALTHCHECK"),
  examples: {
    good: ["FROM busybox:1.33.1\nHEALTHCHECK CMD /bin/healthcheck\n\nFROM alpine:3.13\nHEALTHCHECK CMD /bin/healthcheck\nUSER mike"],
    bad: ["FROM busybox:1.33.1\nHEALTHCHECK CMD curl http://localhost:8080\nHEALTHCHECK CMD /bin/healthcheck\nUSER mike"],
  },
};
