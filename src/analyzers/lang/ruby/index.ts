// Installed gems: specifications/*.gemspec (and specifications/default/*.gemspec for default
// gems) under any gem home — usr/lib/ruby/gems/<ver>/, var/lib/gems/<ver>/, usr/local/bundle/ …
import { finalizeWithPurl } from "../../shared/finalize.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseGemspec } from "./gemspec.js";

const SPEC = /(^|\/)specifications\/(default\/)?[^/]+\.gemspec$/;

export function wantedPath(path: string): boolean {
  return path.endsWith(".gemspec") && SPEC.test(path);
}

export const rubyAnalyzer: Analyzer = {
  id: "lang/ruby",
  evidence: "installed",
  version: 1,
  maxFileSize: 4 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const spec = parseGemspec(file.content.toString("utf8"));
    if (!spec.name || !spec.version) return { errors: [`no name/version in ${file.path}`] };
    const pkg: Package = {
      type: "gem",
      name: spec.name,
      version: spec.version,
      purl: "",
      source: null,
      licenses: spec.licenses,
      locations: [{ path: "/" + file.path }],
    };
    const metadata: Record<string, string> = {};
    if (spec.platform) metadata["platform"] = spec.platform;
    if (/(^|\/)specifications\/default\//.test(file.path)) metadata["defaultGem"] = "true";
    if (Object.keys(metadata).length) pkg.metadata = metadata;
    return { packages: [pkg] };
  },
  finalize: finalizeWithPurl("gem"),
};
