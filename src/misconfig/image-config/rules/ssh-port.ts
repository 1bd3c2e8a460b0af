import type { Rule } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { hit } from "./util.js";

export const imageSshPort: Rule<ImageDoc> = {
  id: "BW-IMG-006",
  title: "Image exposes SSH port 22",
  severity: "HIGH",
  remediation: "Do not run SSH in containers; remove `EXPOSE 22` and use exec for access.",
  references: { avd: "DS004" },
  check(doc) {
    const ports = Object.keys(doc.config.ExposedPorts ?? {});
    const ssh = ports.find((p) => /^22(?:\/(?:tcp|udp|sctp))?$/i.test(p));
    return ssh ? [hit(doc, `Image ${doc.target} exposes ${ssh}`)] : [];
  },
  examples: {
    good: ['{"config":{"ExposedPorts":{"80/tcp":{},"2222/tcp":{}}}}'],
    bad: ['{"config":{"ExposedPorts":{"22/tcp":{}}}}'],
  },
};
