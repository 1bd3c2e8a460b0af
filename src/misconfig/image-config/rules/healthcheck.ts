import type { Rule } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { hit } from "./util.js";

export const imageHealthcheck: Rule<ImageDoc> = {
  id: "BW-IMG-002",
  title: "Image defines no HEALTHCHECK",
  severity: "LOW",
  remediation: "Add a HEALTHCHECK to the Dockerfile, or define a liveness probe where the image is deployed.",
  references: { cis: "CIS Docker 4.6", avd: "DS026" },
  check(doc) {
    const test = doc.config.Healthcheck?.Test ?? [];
    if (test.length > 0 && test[0] !== "NONE") return [];
    return [hit(doc, `Image ${doc.target} has no HEALTHCHECK`)];
  },
  examples: {
    good: ['{"config":{"User":"app","Healthcheck":{"Test":["CMD-SHELL","curl -f http://localhost/ || exit 1"]}}}'],
    bad: ['{"config":{"User":"app"}}', '{"config":{"Healthcheck":{"Test":["NONE"]}}}'],
  },
};
