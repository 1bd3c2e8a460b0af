import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { unpinnedRpm } from "./rpm.js";

export const dnfPin: Rule<DockerfileDoc> = {
  id: "BW-DS-017",
  title: "dnf install without version pins",
  severity: "LOW",
  remediation: "Pin versions (`dnf install -y httpd-2.4.62`) so builds are reproducible.",
  references: { hadolint: "DL3041" },
  check: (doc) => unpinnedRpm(doc, ["dnf", "microdnf"]),
  examples: {
    good: ["FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all"],
    bad: ["FROM fedora:40\nRUN dnf install -y httpd && dnf clean all"],
  },
};
