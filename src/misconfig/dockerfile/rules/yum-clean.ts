import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { cleanAll, missingClean } from "./rpm.js";

export const yumClean: Rule<DockerfileDoc> = {
  id: "BW-DS-014",
  title: "yum install without yum clean all",
  severity: "LOW",
  remediation: "End the same RUN with `&& yum clean all` (or remove /var/cache/yum).",
  references: { avd: "DS015", hadolint: "DL3032" },
  check: (doc) => missingClean(doc, { managers: ["yum"], cleans: cleanAll, cacheDirs: ["/var/cache/yum"], label: "yum clean all" }),
  examples: {
    good: ["FROM centos:7\nRUN yum install -y vim-8.0 && yum clean all"],
    bad: ["FROM alpine:3.5\nRUN yum install vim\nUSER mike", "FROM centos:7\nRUN yum clean all && yum install -y vim-8.0"],
  },
};
