// Bundler lockfiles: Gemfile.lock (and Gemfile.<variant>.lock, gems.locked).
import { finalizeWithPurl } from "../../shared/finalize.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseGemfileLock } from "./lockfile.js";

export function wantedPath(path: string): boolean {
  const name = baseName(path);
  return (name === "gems.locked" || /^Gemfile(\.[^/]+)?\.lock$/.test(name)) && lockfileDiscoverable(path);
}

export const gemfileLockAnalyzer: Analyzer = {
  id: "lang/gemfile-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 16 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const packages: Package[] = parseGemfileLock(file.content.toString("utf8")).map((g) => {
      const metadata: Record<string, string> = {};
      if (g.section !== "GEM") metadata["source"] = g.section.toLowerCase();
      if (g.platforms.length) metadata["platforms"] = g.platforms.join(",");
      if (g.section !== "GEM" && g.remote) metadata["remote"] = g.remote;
      if (g.revision) metadata["revision"] = g.revision;
      return {
        type: "gem",
        name: g.name,
        version: g.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        ...(Object.keys(metadata).length ? { metadata } : {}),
      };
    });
    return { packages };
  },
  finalize: finalizeWithPurl("gem"),
};
