import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { copyPaths, isRemote } from "./add-instead-of-copy.js";
import { at } from "./util.js";

export const addRemoteUrl: Rule<DockerfileDoc> = {
  id: "BW-DS-005",
  title: "ADD fetches a remote URL without a checksum",
  severity: "MEDIUM",
  remediation: "Download with curl/wget and verify a checksum or signature, or use `ADD --checksum=sha256:...`.",
  references: { cis: "CIS Docker 4.9", urls: ["https://docs.docker.com/reference/dockerfile/#add---checksum"] },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "ADD" || i.flags.has("checksum")) continue;
      const remote = copyPaths(i)?.sources.filter(isRemote) ?? [];
      if (remote.length > 0) hits.push(at(i, `ADD downloads ${remote.join(", ")} without verifying it`));
    }
    return hits;
  },
  examples: {
    good: ["FROM alpine:3.20\nADD --checksum=sha256:" + "c".repeat(64) + " https://example.com/tool.tgz /opt/"],
    bad: ["FROM alpine:3.20\nADD https://example.com/install.sh /tmp/install.sh"],
  },
};
