import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { program } from "../shell.js";
import { at, subcommand } from "./util.js";

export const pipCache: Rule<DockerfileDoc> = {
  id: "BW-DS-018",
  title: "pip install without --no-cache-dir",
  severity: "LOW",
  remediation: "Use `pip install --no-cache-dir ...` (or set `ENV PIP_NO_CACHE_DIR=1`) so the wheel cache is not kept in the layer.",
  references: { hadolint: "DL3042" },
  check(doc) {
    if (doc.instructions.some((i) => (i.keyword === "ENV" || i.keyword === "ARG") && /\bPIP_NO_CACHE_DIR\b/.test(i.args))) return [];
    const hits: RuleHit[] = [];
    for (const run of doc.runs) {
      if (/--mount=[^\s]*type=cache[^\s]*\.cache\/pip/.test(run.instr.args)) continue;
      for (const cmd of run.commands) {
        const p = program(cmd);
        let args = p.args;
        if (/^python[\d.]*$/.test(p.name) && args[0] === "-m" && /^pip\d?$/.test(args[1] ?? "")) args = args.slice(2);
        else if (!/^pip[\d.]*$/.test(p.name)) continue;
        if (subcommand(args) !== "install" || args.includes("--no-cache-dir")) continue;
        hits.push(at(run.instr, "pip install keeps its download cache in the layer"));
        break;
      }
    }
    return hits;
  },
  examples: {
    good: ["FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt", "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask"],
    bad: ["FROM python:3.12\nRUN pip install -r requirements.txt", "FROM python:3.12\nRUN python3 -m pip install --upgrade pip"],
  },
};
