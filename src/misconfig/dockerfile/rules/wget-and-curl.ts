import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { program } from "../shell.js";
import { at } from "./util.js";

const TOOLS = ["curl", "wget"] as const;

export const wgetAndCurl: Rule<DockerfileDoc> = {
  id: "BW-DS-040",
  title: "Both wget and curl used",
  severity: "LOW",
  remediation: "Pick one download tool so the image carries one less binary.",
  references: { avd: "DS014", hadolint: "DL4001" },
  check(doc) {
    // Per stage (each stage is its own image), as Hadolint: every RUN that uses one of the tools once
    // the stage has used both, counting this RUN, is reported. ONBUILD triggers are counted apart.
    const hits: RuleHit[] = [];
    const seen = new Map<string, { tool: string; line: number }[]>();
    for (const run of doc.runs) {
      const used = new Set(run.commands.map((c) => program(c).name).filter((n) => (TOOLS as readonly string[]).includes(n)));
      if (used.size === 0) continue;
      const key = `${run.instr.stage}:${run.onbuild}`;
      const before = seen.get(key) ?? [];
      for (const tool of used) if (!before.some((b) => b.tool === tool)) before.push({ tool, line: run.instr.line });
      seen.set(key, before);
      if (before.length < 2) continue;
      const here = [...used].join(" and ");
      const other = before.find((b) => !used.has(b.tool));
      hits.push(at(run.instr, other ? `${here} is used here and ${other.tool} on line ${other.line}` : `${here} are both used here`));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM debian:stable-20210621\nRUN curl http://bing.com\nRUN curl http://google.com\n\nFROM baseimage:1.0\nUSER mike\nRUN curl http://bing.com",
      "FROM debian:12 AS fetch\nRUN wget https://example.com/a.tgz\nFROM debian:12\nRUN curl -fsSLO https://example.com/b.tgz",
    ],
    bad: [
      "FROM debian:stable-20210621\nRUN wget http://bing.com\nRUN curl http://google.com\n\nFROM baseimage:1.0\nUSER mike\nRUN curl http://bing.com",
      "FROM debian:12\nRUN wget -q https://example.com/a && curl -fsS https://example.com/b",
    ],
  },
};
