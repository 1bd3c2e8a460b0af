// Secret scanning as an analyzer: every small text file of every layer (and of dir: targets).
// Enabled only with the "secret" scanner, so inventory scans do not read every file.
import type { Analyzer } from "../analyzers/types.js";
import { isScannableText, looksLikeText, scanBytes, SECRET_MAX_FILE } from "../secrets/index.js";

const NO_HEAD = Buffer.alloc(0);

export const secretAnalyzer: Analyzer = {
  // Finds no packages; it runs on every kind of target.
  evidence: "installed",
  id: "secret/files",
  // 3: generic rules report literal values only and are quiet in library documentation;
  // framework and URL-credential rules (cached layer results of version 2 are not reused).
  // 4: long letters-only names (camel/snake case words) are not generic credentials.
  version: 4,
  maxFileSize: SECRET_MAX_FILE,
  // Regexes over every text file of every layer: run in batches on a worker when there is one.
  batch: true,
  // Binaries whose names did not give them away (executables, unversioned names) stop here.
  accepts: looksLikeText,
  required: (path, info) => (info === undefined || (info.size > 0 && info.size <= SECRET_MAX_FILE)) && isScannableText(path, NO_HEAD),
  analyze(file) {
    if (!isScannableText(file.path, file.content.subarray(0, 8192))) return null;
    // On the bytes: most files hold no keyword and are never decoded.
    const secrets = scanBytes(file.content, "/" + file.path);
    return secrets.length ? { secrets } : null;
  },
};
