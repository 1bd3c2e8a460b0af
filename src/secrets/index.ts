// Secret detection in text files and image configuration. Findings never carry the secret:
// the matched line is returned with every secret on it replaced by "*****".
export { scanBytes, scanText, scanKeyValues } from "./scan.js";
export { isScannableText, looksLikeText, SECRET_MAX_FILE } from "./paths.js";
export { secretRules } from "./rules/index.js";
export type { SecretRule, LineContext } from "./types.js";
export { Redactor, REDACTED } from "./redact.js";
export { isLibraryPath, fileStyle } from "./context.js";
