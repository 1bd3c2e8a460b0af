import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { missingClean } from "./rpm.js";

export const dnfClean: Rule<DockerfileDoc> = {
  id: "BW-DS-015",
  title: "dnf install without dnf clean all",
  severity: "LOW",
  remediation: "End the same RUN with `&& dnf clean all` (or remove /var/cache/dnf).",
  references: { avd: "DS019", hadolint: "DL3040" },
  check: (doc) => missingClean(doc, ["dnf", "microdnf"], ["all"], "/var/cache/dnf", "dnf clean all"),
  examples: {
    good: ["FROM fedora:40\nUSER mike\nRUN set -uex && dnf install -vy docker-ce && dnf clean all"],
    bad: ["FROM fedora:27\nUSER mike\nRUN set -uex && dnf config-manager --add-repo https://x/docker-ce.repo && dnf install -vy docker-ce"],
  },
};
