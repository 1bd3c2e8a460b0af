import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls } from "./util.js";

/** The UID given to useradd with -u N, -uN, --uid N or --uid=N. */
function uidOf(args: string[]): number | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^(?:-u|--uid=)(\d+)$/.exec(a);
    if (m) return Number(m[1]);
    if ((a === "-u" || a === "--uid") && /^\d+$/.test(args[i + 1] ?? "")) return Number(args[i + 1]);
  }
  return null;
}

export const useraddUid: Rule<DockerfileDoc> = {
  id: "BW-DS-035",
  title: "useradd with a high UID without -l",
  severity: "LOW",
  remediation: "Add `-l` (`--no-log-init`) to useradd: with a high UID the lastlog/faillog files become huge sparse files in the layer.",
  references: { hadolint: "DL3046" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const c of calls(doc, "useradd")) {
      const uid = uidOf(c.args);
      const noLog = c.args.includes("--no-log-init") || c.args.some((a) => /^-[A-Za-z]*l[A-Za-z]*$/.test(a));
      if (uid !== null && uid > 99999 && !noLog) hits.push(at(c.run.instr, `useradd -u ${uid} without -l can bloat the image`));
    }
    return hits;
  },
  examples: {
    good: ["FROM debian:12\nRUN useradd -l -u 123456 app", "FROM debian:12\nRUN useradd -u 1000 app"],
    bad: ["FROM debian:12\nRUN useradd -u 123456 app"],
  },
};
