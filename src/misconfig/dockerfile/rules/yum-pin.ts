import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { unpinnedRpm } from "./rpm.js";

export const yumPin: Rule<DockerfileDoc> = {
  id: "BW-DS-016",
  title: "yum install without version pins",
  severity: "LOW",
  remediation: "Pin versions (`yum install -y httpd-2.4.6`, `yum module install -y nodejs:14`) so builds are reproducible.",
  references: { hadolint: "DL3033" },
  check: (doc) => unpinnedRpm(doc, ["yum"]),
  examples: {
    good: ["FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all", "FROM centos:8\nRUN yum module install -y nodejs:14 && yum clean all"],
    bad: ["FROM centos:7\nRUN yum install -y httpd && yum clean all", "FROM centos:8\nRUN yum module install -y nodejs && yum clean all"],
  },
};
