import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc, RunCommand } from "../doc.js";
import { at, commandIndex, runShips, shippedStages, subcommand } from "./util.js";

const isUpdate = (name: string, args: string[]): boolean => (name === "apt-get" || name === "apt") && subcommand(args) === "update";
const removesLists = (name: string, args: string[]): boolean => name === "rm" && args.some((a) => a.startsWith("/var/lib/apt/lists"));

/**
 * The package lists live in a BuildKit cache or tmpfs mount, not in the layer: a mount of
 * /var/lib/apt/lists, or of both /var/lib/apt and /var/cache/apt (Hadolint's reading: with only
 * /var/lib/apt mounted the downloaded packages still fill /var/cache/apt in the layer).
 */
function listsMounted(run: RunCommand): boolean {
  const under = (dir: string): boolean => run.mounts.some((m) => (m.type === "cache" || m.type === "tmpfs") && m.target.startsWith(dir));
  return under("/var/lib/apt/lists") || (under("/var/lib/apt") && under("/var/cache/apt"));
}

export const aptLists: Rule<DockerfileDoc> = {
  id: "BW-DS-010",
  title: "apt lists not removed after apt-get update",
  severity: "LOW",
  remediation: "End the RUN that runs `apt-get update` with `&& rm -rf /var/lib/apt/lists/*` (or use cache mounts for /var/lib/apt and /var/cache/apt).",
  references: { hadolint: "DL3009" },
  check(doc) {
    const hits: RuleHit[] = [];
    const shipped = shippedStages(doc);
    for (const run of doc.runs) {
      // Only what ships counts: a builder stage's lists never reach the final image.
      if (!runShips(doc, run, shipped) || listsMounted(run)) continue;
      const update = commandIndex(run, isUpdate);
      if (update < 0 || commandIndex(run, removesLists, update + 1) >= 0) continue;
      hits.push(at(run.instr, "apt-get update leaves /var/lib/apt/lists in the layer"));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*",
      "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /usr/bin/gcc /usr/bin/gcc",
    ],
    bad: [
      "FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean",
      "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nUSER app",
    ],
  },
};
