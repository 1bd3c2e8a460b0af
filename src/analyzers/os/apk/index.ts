// Alpine-family packages (Alpine, Wolfi, Chainguard) from apk's installed database.
import type { Analyzer, AnalyzerFile, FileAnalysis } from "../../types.js";
import { finalizeApk } from "./finalize.js";
import { parseInstalledDb } from "./installed-db.js";

const DB_PATHS = new Set(["lib/apk/db/installed", "usr/lib/apk/db/installed"]);

export const apkAnalyzer: Analyzer = {
  id: "os/apk",
  evidence: "installed",
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => DB_PATHS.has(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const { packages, errors } = parseInstalledDb(file.content.toString("utf8"), file.path);
    return errors.length > 0 ? { packages, errors } : { packages };
  },
  finalize: finalizeApk,
};
