// Shared logic for yum/dnf/microdnf/zypper rules.
import type { RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { at, cacheMounted, calls, commandIndex, packageArgs, short, subcommand } from "./util.js";

const INSTALL = new Set(["install", "in", "groupinstall", "localinstall"]);

export interface CleanSpec {
  /** Package managers whose installs are checked. */
  managers: string[];
  /** Whether `args` of the same manager clean its cache (`clean all`, `clean`, `cc`). */
  cleans: (args: string[]) => boolean;
  /** Cache directories whose removal (`rm -rf /var/cache/yum/*`) or cache/tmpfs mount also counts. */
  cacheDirs: string[];
  label: string;
}

/** `yum clean all`, `dnf clean all`. */
export const cleanAll = (args: string[]): boolean => subcommand(args) === "clean" && args.includes("all");

/**
 * RUNs that install with one of the managers and do not clean up afterwards in the same RUN: a clean
 * by the same manager, or an `rm` of one of its cache directories, after the install (a clean before
 * the install leaves the new cache behind), or a cache/tmpfs mount of the cache directory.
 */
export function missingClean(doc: DockerfileDoc, spec: CleanSpec): RuleHit[] {
  const hits: RuleHit[] = [];
  const seen = new Set<unknown>();
  for (const c of calls(doc, ...spec.managers)) {
    if (!INSTALL.has(subcommand(c.args)) || seen.has(c.run)) continue;
    if (spec.cacheDirs.some((d) => cacheMounted(c.run, d))) continue;
    const cleaned = commandIndex(
      c.run,
      (name, args) => (name === c.name && spec.cleans(args)) || (name === "rm" && args.some((a) => spec.cacheDirs.some((d) => a.startsWith(d)))),
      c.index + 1,
    );
    if (cleaned >= 0) continue;
    seen.add(c.run);
    hits.push(at(c.run.instr, `${c.name} install without \`${spec.label}\` after it in the same RUN leaves its cache in the layer`));
  }
  return hits;
}

/**
 * A yum/dnf package argument with a version: name-1.2, name-1:1.1.1k, name-1.2-3.el9, gcc-c++-1.1.1,
 * or a version from a variable (name-$VERSION, "name-${VER}"); .rpm files, paths and @groups need none.
 */
export const rpmPinned = (p: string): boolean => /-(?:\d|\$)/.test(p) || p.endsWith(".rpm") || p.includes("/") || p.startsWith("@");

/** A module stream is pinned with `name:stream` (`dnf module install nodejs:20`). */
export const modulePinned = (p: string): boolean => p.includes(":");

/** yum/dnf installs (packages and modules) without versions. */
export function unpinnedRpm(doc: DockerfileDoc, managers: string[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const c of calls(doc, ...managers)) {
    const sub = subcommand(c.args);
    let unpinned: string[];
    if (sub === "install") unpinned = packageArgs(c.args, sub).filter((p) => !rpmPinned(p));
    else if (sub === "module" && subcommand(c.args.slice(c.args.indexOf("module") + 1)) === "install") {
      unpinned = packageArgs(c.args.slice(c.args.indexOf("module") + 1), "install").filter((p) => !modulePinned(p));
    } else continue;
    if (unpinned.length > 0) hits.push(at(c.run.instr, `${c.name} ${sub === "module" ? "module install" : "install"} of unpinned ${sub === "module" ? "modules" : "packages"}: ${short(unpinned.join(" "))}`));
  }
  return hits;
}
