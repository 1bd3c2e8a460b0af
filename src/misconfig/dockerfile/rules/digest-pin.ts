import type { Rule } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { externalBases } from "./latest-tag.js";
import { at } from "./util.js";

export const digestPin: Rule<DockerfileDoc> = {
  id: "BW-DS-003",
  title: "Base image not pinned by digest",
  severity: "LOW",
  remediation: "Pin the base image by digest (`FROM debian:12@sha256:...`) so rebuilds use exactly the image you reviewed.",
  references: { urls: ["https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"] },
  check(doc) {
    return externalBases(doc)
      .filter((s) => !s.digest)
      .map((s) => at(s.from, `FROM ${s.image} is not pinned by digest`));
  },
  examples: {
    good: ["FROM debian:12@sha256:" + "b".repeat(64), "FROM scratch"],
    bad: ["FROM debian:12\nUSER app"],
  },
};
