import type { ContentsRule } from "./util.js";
import { sensitiveHits } from "./util.js";

export const dotenvFile: ContentsRule = {
  id: "BW-IMG-014",
  title: ".env file in the image",
  severity: "MEDIUM",
  remediation: "Add `.env*` to .dockerignore and pass settings at run time (environment, mounted secrets); rotate any credential it held.",
  references: { dockle: "CIS-DI-0010", cis: "CIS Docker 4.10" },
  check: (doc) => sensitiveHits(doc, "dotenv", (s) => (s.entry.size === 0 ? null : `/${s.entry.path} is an environment file, usually holding the application's credentials`)),
  examples: {
    good: ["-rw-r--r-- 120 app/.env.example", "-rw-r--r-- 0 app/.env", "-rw-r--r-- 120 app/test/fixtures/.env"],
    bad: ["-rw-r--r-- 120 app/.env", "-rw-r--r-- 120 srv/.env.production"],
  },
};
