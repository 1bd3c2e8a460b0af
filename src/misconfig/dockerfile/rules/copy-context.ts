import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { copyPaths } from "./add-instead-of-copy.js";
import { at } from "./util.js";

export const copyContext: Rule<DockerfileDoc> = {
  id: "BW-DS-028",
  title: "Whole build context copied into the image",
  severity: "LOW",
  remediation: "Copy only what the image needs, or keep a .dockerignore that excludes .git, .env, keys and other secrets.",
  references: { cis: "CIS Docker 4.10", urls: ["https://docs.docker.com/build/concepts/context/#dockerignore-files"] },
  check(doc) {
    if (doc.hasDockerignore === true) return [];
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if ((i.keyword !== "COPY" && i.keyword !== "ADD") || i.flags.has("from")) continue;
      const whole = copyPaths(i)?.sources.some((s) => s === "." || s === "./" || s === "*");
      if (!whole) continue;
      if (doc.hasDockerignore === false) {
        hits.push({ ...at(i, `${i.keyword} copies the whole build context and there is no .dockerignore beside the Dockerfile`), severity: "MEDIUM" });
      } else {
        hits.push(at(i, `${i.keyword} copies the whole build context; make sure a .dockerignore keeps secrets and .git out`));
      }
    }
    return hits;
  },
  examples: {
    good: ["FROM node:20\nCOPY package.json package-lock.json ./\nCOPY src/ ./src/", "FROM node:20 AS b\nFROM nginx:1.27\nCOPY --from=b . /"],
    bad: ["FROM node:20\nWORKDIR /app\nCOPY . .", "FROM node:20\nADD ./ /app/"],
  },
};
