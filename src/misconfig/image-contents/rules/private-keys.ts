import type { ContentsRule } from "./util.js";
import { sensitiveHits } from "./util.js";

export const privateKeyFiles: ContentsRule = {
  id: "BW-IMG-016",
  title: "Private key or keystore file",
  severity: "HIGH",
  remediation: "Mount keys at run time instead of baking them in; generate SSH host keys when the container starts; rotate any key that shipped.",
  references: { dockle: "CIS-DI-0010", cis: "CIS Docker 4.10" },
  check: (doc) =>
    sensitiveHits(doc, "private-key", (s) =>
      s.entry.size === 0
        ? null
        : /^etc\/ssh\/ssh_host_/.test(s.entry.path)
          ? `/${s.entry.path} is an SSH host key baked into the image: every container shares it`
          : `/${s.entry.path} is a private key or keystore`,
    ),
  examples: {
    good: ["-rw-r--r-- 400 root/.ssh/id_ed25519.pub", "-rw-r--r-- 4000 usr/lib/jvm/java-17/lib/security/cacerts.jks", "-rw------- 411 app/test/fixtures/client.p12"],
    bad: ["-rw------- 411 root/.ssh/id_ed25519", "-rw------- 505 etc/ssh/ssh_host_ecdsa_key", "-rw------- 2048 app/keystore.jks\n---\nwh app/keystore.jks"],
  },
};
