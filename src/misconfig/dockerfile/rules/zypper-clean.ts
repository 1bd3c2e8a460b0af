import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { missingClean } from "./rpm.js";
import { subcommand } from "./util.js";

export const zypperClean: Rule<DockerfileDoc> = {
  id: "BW-DS-039",
  title: "zypper install without zypper clean",
  severity: "LOW",
  remediation: "End the same RUN with `&& zypper clean` (or remove /var/cache/zypp).",
  references: { avd: "DS020", hadolint: "DL3036" },
  check: (doc) => missingClean(doc, { managers: ["zypper"], cleans: (args) => ["clean", "cc"].includes(subcommand(args)), cacheDirs: ["/var/cache/zypp"], label: "zypper clean" }),
  examples: {
    good: ["FROM opensuse/leap:15.6\nRUN zypper install -y bash && zypper clean"],
    bad: ["FROM opensuse/leap:15.6\nRUN zypper install bash\nUSER mike", "FROM opensuse/leap:15.6\nRUN zypper clean && zypper install -y bash"],
  },
};
