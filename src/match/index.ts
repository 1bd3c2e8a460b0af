// Vulnerability matching: installed packages × OSV advisories, then gates and suppressions.
export type { AdvisorySource, MatchOptions } from "./types.js";
export { matchPackages, compareVulnerabilities } from "./matcher.js";
export { coverage, ecosystemsFor, type CoverageGroup, type CheckedGroup, type UncoveredGroup } from "./coverage.js";
export { osEcosystem, LANGUAGE_ECOSYSTEMS, type OsEcosystem } from "./ecosystems.js";
export { assess, scoreVector, severityFromScore, severityRank, type Assessment } from "./severity.js";
export { applyFilters, type FilterOptions } from "./filter.js";
export { loadIgnoreFile, parseIgnoreFile, isExpired, type IgnoreRule } from "./ignore.js";
export { loadVexFile, parseVex, type VexRule } from "./vex.js";
export { applySuppressions, type SuppressionResult, type SuppressionRule } from "./suppress.js";
