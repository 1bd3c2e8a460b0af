import type { Rule } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { hit } from "./util.js";

export const imageRootUser: Rule<ImageDoc> = {
  id: "BW-IMG-001",
  title: "Image runs as root",
  severity: "HIGH",
  remediation: "Create an unprivileged user in the image and set it with `USER app` (or run with --user / runAsNonRoot).",
  references: { cis: "CIS Docker 4.1", avd: "DS002" },
  check(doc) {
    const user = (doc.config.User ?? "").trim();
    const name = user.split(":")[0]!;
    if (name === "") return [hit(doc, `Image ${doc.target} sets no user, so its processes run as root`)];
    if (name === "root" || /^0+$/.test(name)) return [hit(doc, `Image ${doc.target} runs as user "${user}" (root)`)];
    return [];
  },
  examples: {
    good: ['{"config":{"User":"app"}}', '{"config":{"User":"1000:1000"}}'],
    bad: ["{}", '{"config":{"User":""}}', '{"config":{"User":"0:0"}}', '{"config":{"User":"root"}}'],
  },
};
