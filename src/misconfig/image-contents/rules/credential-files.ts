import type { ContentsRule } from "./util.js";
import { sensitiveHits } from "./util.js";

export const credentialFiles: ContentsRule = {
  id: "BW-IMG-015",
  title: "Credential file of a cloud, registry or database client",
  severity: "HIGH",
  remediation: "Never build with credentials in the build context or home directory; use BuildKit secret mounts (`RUN --mount=type=secret`) and rotate the credential.",
  references: { dockle: "CIS-DI-0010", cis: "CIS Docker 4.10" },
  check: (doc) => sensitiveHits(doc, "credentials", (s) => (s.entry.size === 0 ? null : `/${s.entry.path} is a client credential file`)),
  examples: {
    good: ["-rw-r--r-- 30 app/.npmrc", "-rw------- 0 root/.aws/credentials", "-rw-r--r-- 30 app/docs/aws-credentials.md"],
    bad: ["-rw------- 116 root/.aws/credentials", "-rw------- 300 home/app/.docker/config.json", "-rw------- 90 root/.npmrc", "-rw------- 900 root/.kube/config\n---\nwh root/.kube"],
  },
};
