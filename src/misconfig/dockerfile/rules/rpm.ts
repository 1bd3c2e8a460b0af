// Shared logic for yum/dnf/microdnf/zypper rules.
import type { RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, calls, packageArgs, runHas, short, subcommand } from "./util.js";

const INSTALL = new Set(["install", "in", "groupinstall", "localinstall"]);

/** RUNs that install with one of `managers` but never clean its cache (`clean` + `cleanArgs`, or rm of `cacheDir`). */
export function missingClean(doc: DockerfileDoc, managers: string[], cleanArgs: string[], cacheDir: string, label: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const seen = new Set<unknown>();
  for (const c of calls(doc, ...managers)) {
    if (!INSTALL.has(subcommand(c.args)) || seen.has(c.run)) continue;
    seen.add(c.run);
    const cleaned = runHas(
      c.run,
      (name, args) =>
        (managers.includes(name) && cleanArgs.some((a) => args.includes(a))) || (name === "rm" && args.some((a) => a.startsWith(cacheDir))),
    );
    if (!cleaned) hits.push(at(c.run.instr, `${c.name} install without \`${label}\` in the same RUN leaves its cache in the layer`));
  }
  return hits;
}

/** yum/dnf packages without a version: a pin looks like name-1.2 or name-1.2-3.el9. */
export function unpinnedRpm(doc: DockerfileDoc, managers: string[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const c of calls(doc, ...managers)) {
    const sub = subcommand(c.args);
    if (sub !== "install") continue;
    const unpinned = packageArgs(c.args, sub).filter((p) => !/-\d/.test(p) && !p.endsWith(".rpm") && !p.includes("/") && !p.startsWith("@"));
    if (unpinned.length > 0) hits.push(at(c.run.instr, `${c.name} install of unpinned packages: ${short(unpinned.join(" "))}`));
  }
  return hits;
}
