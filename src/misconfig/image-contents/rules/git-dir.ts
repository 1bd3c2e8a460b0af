import type { ContentsRule } from "./util.js";
import { sensitiveHits } from "./util.js";

export const gitDirectory: ContentsRule = {
  id: "BW-IMG-012",
  title: "Git repository data in the image",
  severity: "MEDIUM",
  remediation: "Add `.git` to .dockerignore; its history, remotes and config (sometimes with credentials) ship with the image otherwise.",
  references: { dockle: "DKL-LI-0003", cis: "CIS Docker 4.10" },
  check: (doc) => sensitiveHits(doc, "git", (s) => `/${s.entry.path} holds a Git repository's history and configuration`),
  examples: {
    good: ["-rw-r--r-- 10 app/.gitignore", "-rw-r--r-- 10 usr/lib/node_modules/x/.git/HEAD"],
    bad: ["-rw-r--r-- 41 app/.git/HEAD\n-rw-r--r-- 90 app/.git/config", "drwxr-xr-x 0 src/.git", "-rw-r--r-- 41 app/.git/HEAD\n---\nwh app/.git"],
  },
};
