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
export { auditRegistry, auditAsReport, auditJson, auditTable, registryAuditRules, type AuditOptions as RegistryAuditOptions, type AuditReport as RegistryAuditReport, type AuditFinding as RegistryAuditFinding } from "./registry/audit/index.js";
export {
  verifyBundle, loadTrustedRoot, refreshTrustedRoot, parseTrustedRoot, bundledTrustedRootJson, sigstoreCacheDir, VerificationError, isVerificationError, MAX_BUNDLE_BYTES,
  type Artifact as SigstoreArtifact, type VerifyPolicy as BundleVerifyPolicy, type KeyPolicy, type IdentityPolicy, type VerifyOptions as BundleVerifyOptions, type VerifyResult as BundleVerifyResult, type TrustedRoot, type TrustedRootInfo, type VerificationCode,
} from "./sigstore/core/index.js";
export type * from "./model/index.js";
export { loadPolicy, parsePolicy, checkPolicy, formatPolicyTable, POLICY_SCHEMA, NO_VERIFIER, type ImagePolicy, type PolicyCheckOptions, type PolicyCheckResult, type ImageResult, type RuleResult, type SupplyChainVerifier, type SupplyChainEvidence, type SignatureRequirement } from "./policy/index.js";
export {
  signImage, attestImage, verifyImageSignatures, verifyImageAttestations, generateKeyPair, keylessBundleVerifier, verifyLegacyKeylessSignature, loadPrivateKey, loadPublicKey, predicateTypeUri, attestedSbom, PREDICATE_TYPES, cosignPolicyVerifier,
  type ImageVerification, type AttestationVerification, type BundleVerifier, type VerifyPolicy,
} from "./sigstore/cosign/index.js";
export { listRepositories, listTags, type ListLimits, type ListResult } from "./registry/list.js";
export { registryScan, parseDuration, type RegistryScanOptions, type RegistryScanResult, type RegistryImage, type RegistryScanError, type RegistryScanProgress } from "./registry/scan/index.js";
export { checkHost, hostRules, hostAsReport, hostJson, hostTable, ESCAPES, type HostOptions, type HostReport, type HostFinding, type HostRuleMeta, type RuntimeComponent, type RuntimeVulnerability } from "./host/index.js";
export {
  driftFor, driftTable, imageFileIndex, containerImageIndex, resolveContainer, elfKind, isPackageDatabase,
  type DriftOptions, type DriftReport, type DriftChange, type FileIndex, type IndexNode, type ContainerInfo, type PackageDbChange,
} from "./drift/index.js";
export { collectCluster, type CollectOptions } from "./k8s/collect.js";
export type { ClusterSnapshot, K8sObject, CollectError, SnapshotKey } from "./k8s/snapshot.js";
export { scanCluster, type ClusterScanOptions, type ClusterScanReport, type WorkloadResult, type ImageResult as ClusterImageResult, type ComponentResult, type NamespaceResult } from "./k8s/scan.js";
export { clusterJsonChunks, writeClusterJson, writeClusterSarif, writeClusterTable, clusterAsReport } from "./k8s/output.js";
export { rankRisks, entryPoints, type Risk, type RiskFactor, type EntryPoint } from "./k8s/exposure.js";
export { simpleReach, type Reach, type ReachFunction, type Subject } from "./k8s/reach.js";
export { watchRuntime, validateRuleFiles, loadRuntimeRules, runtimeSourceUnavailable, DEFAULT_RULES as DEFAULT_RUNTIME_RULES, type WatchOptions as RuntimeWatchOptions, type WatchSummary as RuntimeWatchSummary, type RuleValidation as RuntimeRuleValidation, type RuntimeSource, type Alert as RuntimeAlert, type RuntimeEvent, type ImageFileIndex } from "./runtime/index.js";
export { ServerAlertSink, alertsUrl as runtimeAlertsUrl, type ServerSinkStats as RuntimeServerSinkStats } from "./runtime/server-sink.js";
export { canI, whoCan, reach, findEscalations, canITable, whoCanTable, escalationTable, loadK8sObjects, EscalationGraph, Authorizer as RbacAuthorizer, rbacReach, type Reach as RbacReach, type EscalationReport, type EscalationPath, type CanIResult, type WhoCanResult } from "./k8s/rbac/index.js";
export { loadCelPolicies, evaluateCelPolicies, celPolicySet, celMisconfigurations, addCelFindings, type CelContext, type CelPolicySet, type CelViolation } from "./k8s/cel/index.js";
export * as admission from "./admission/index.js";
/** The server (fastify, pg, pg-boss), loaded on first use so other commands do not pay for it. */
export const loadServer = () => import("./server/index.js");
export type { ServerOptions, RunningServer, RunningWorker } from "./server/index.js";
