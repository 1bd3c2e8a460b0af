import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc, Stage } from "../doc.js";
import { stageByName } from "../doc.js";
import { at } from "./util.js";

/** Stages whose base is a registry image we can judge (not scratch, an earlier stage or a variable). */
export function externalBases(doc: DockerfileDoc): Stage[] {
  return doc.stages.filter(
    (s) => s.image !== null && !s.image.includes("$") && s.imageName?.toLowerCase() !== "scratch" && !stageByName(doc, s.image, s.index),
  );
}

export const latestTag: Rule<DockerfileDoc> = {
  id: "BW-DS-002",
  title: "Base image uses the latest tag or no tag",
  severity: "MEDIUM",
  remediation: "Pin the base image to a specific version tag (and ideally a digest), e.g. `FROM debian:12.7`.",
  references: { avd: "DS001", hadolint: "DL3007" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const s of externalBases(doc)) {
      if (s.digest) continue;
      if (s.tag === null) hits.push(at(s.from, `FROM ${s.image} has no tag, so it means "latest" and changes over time`));
      else if (s.tag === "latest") hits.push(at(s.from, `FROM ${s.image} uses the moving "latest" tag`));
    }
    return hits;
  },
  examples: {
    good: ["FROM debian:12\nUSER app", "FROM golang:1.22 AS build\nFROM build\nFROM scratch", "FROM nginx@sha256:" + "a".repeat(64)],
    bad: ["FROM debian:latest\nUSER app", "FROM ubuntu\nUSER app", "FROM registry.local:5000/team/app\nUSER app"],
  },
};
