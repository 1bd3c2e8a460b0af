// Operating system detection from os-release and the distribution-specific release files.
import type { Analyzer, AnalyzerFile, FileAnalysis } from "../../types.js";
import { osFromOsRelease, parseKeyValues } from "./parse.js";
import { OS_RELEASE_PATHS, RELEASE_FILE_PATHS, parseReleaseFile } from "./release-files.js";

export { combineOS, type FoundOS } from "./combine.js";
export { eolDate, eolInfo } from "./eol.js";

const OS_RELEASE = new Set<string>(OS_RELEASE_PATHS);
const WANTED = new Set<string>([...OS_RELEASE_PATHS, ...RELEASE_FILE_PATHS]);

export const osReleaseAnalyzer: Analyzer = {
  id: "os/release",
  evidence: "installed",
  version: 1,
  maxFileSize: 64 * 1024,
  required: (path) => WANTED.has(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const text = file.content.toString("utf8");
    const os = OS_RELEASE.has(file.path) ? osFromOsRelease(parseKeyValues(text)) : parseReleaseFile(file.path, text);
    return os ? { os } : null;
  },
};
