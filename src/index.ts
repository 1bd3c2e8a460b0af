// Bulwark's public library API. The CLI (and later the server) import only from here.
export { scan, inventory, SCANNERS, type ScanOptions, type VulnScanOptions } from "./scan/index.js";
export { inventory as sbom } from "./scan/index.js";
export { addVulnerabilities } from "./scan/vulns.js";
export { compareVersions, evaluateAffected, normalizeName } from "./versioning/index.js";
export { AdvisoryDB, importPaths, updateDb, dbStatus, defaultDbPath, type DbStatus, type UpdateProgress } from "./vulndb/index.js";
export { matchPackages, ecosystemsFor, coverage, applyFilters, applySuppressions, loadIgnoreFile, loadVexFile } from "./match/index.js";
export { readSbom } from "./sbom/index.js";
export { scanConfig, type ConfigScanOptions } from "./scan/config.js";
export { listRules, type RuleInfo } from "./scan/rules.js";
export { getWriter, reportFormats, type ReportWriter, type WriteOptions } from "./report/index.js";
export { BulwarkError, UserError, isUserError, type ErrorCode } from "./errors.js";
export { parseTarget, parsePlatform, openImage, type Image, type ImageLayer, type ProgressEvent, type Target } from "./image/index.js";
export { analyzers } from "./analyzers/registry.js";
export type { Analyzer, AnalyzerFile, FileAnalysis } from "./analyzers/types.js";
export { toolVersion } from "./version.js";
export type * from "./model/index.js";
export { registryScan, parseDuration, type RegistryScanOptions, type RegistryScanResult, type RegistryImage, type RegistryScanError, type RegistryScanProgress } from "./registry/scan/index.js";
