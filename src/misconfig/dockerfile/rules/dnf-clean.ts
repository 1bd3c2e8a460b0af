import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { cleanAll, missingClean } from "./rpm.js";

export const dnfClean: Rule<DockerfileDoc> = {
  id: "BW-DS-015",
  title: "dnf install without dnf clean all",
  severity: "LOW",
  remediation: "End the same RUN with `&& dnf clean all` (`microdnf clean all` for microdnf), or remove /var/cache/dnf or /var/cache/yum after the install.",
  references: { avd: "DS019", hadolint: "DL3040" },
  check: (doc) => missingClean(doc, { managers: ["dnf", "microdnf"], cleans: cleanAll, cacheDirs: ["/var/cache/yum", "/var/cache/dnf"], label: "dnf clean all" }),
  examples: {
    good: [
      "FROM fedora:40\nUSER mike\nRUN set -uex && dnf install -vy docker-ce && dnf clean all",
      "FROM fedora:40\nRUN dnf install -y mariadb-10.4 && rm -rf /var/cache/yum/*",
      "FROM fedora:40\nRUN microdnf install -y mariadb-10.4 && rm -rf /var/cache/dnf",
    ],
    bad: [
      "FROM fedora:27\nUSER mike\nRUN set -uex && dnf config-manager --add-repo https://x/docker-ce.repo && dnf install -vy docker-ce",
      "FROM fedora:40\nRUN dnf clean all && dnf install -y mariadb-10.4",
      "FROM fedora:40\nRUN dnf install -y mariadb-10.4 && microdnf clean all",
    ],
  },
};
