import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { unpinnedRpm } from "./rpm.js";

export const dnfPin: Rule<DockerfileDoc> = {
  id: "BW-DS-017",
  title: "dnf install without version pins",
  severity: "LOW",
  remediation: "Pin versions (`dnf install -y httpd-2.4.62`, `dnf module install -y nodejs:20`) so builds are reproducible.",
  references: { hadolint: "DL3041" },
  check: (doc) => unpinnedRpm(doc, ["dnf", "microdnf"]),
  examples: {
    good: [
      "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all",
      "FROM fedora:40\nRUN dnf module install -y nodejs:20 && dnf install -y \"git-core-${GIT_VER}\" && dnf clean all",
    ],
    bad: ["FROM fedora:40\nRUN dnf install -y httpd && dnf clean all", "FROM fedora:40\nRUN microdnf module install -y nodejs && microdnf clean all"],
  },
};
