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
// Rooms above the scan (hosts, drift, live Kubernetes, CEL policies, runtime rules) are loaded on
// first use, so `scan` and `sbom` do not load them: the library's import loaded 731 modules with
// them, 488 without, and 10-16 MB more resident memory (process.memoryUsage; noisy). Their types
// are exported here as usual. The admission room stays eager (small: its CLI reads a constant).
/** Host checks (`bulwark host`). */
export const loadHost = () => import("./host/index.js");
export type { HostOptions, HostReport, HostFinding, HostRuleMeta, RuntimeComponent, RuntimeVulnerability } from "./host/index.js";
/** Drift of a running container against its image (`bulwark drift`). */
export const loadDrift = () => import("./drift/index.js");
export type { DriftOptions, DriftReport, DriftChange, FileIndex, IndexNode, ContainerInfo, PackageDbChange } from "./drift/index.js";
/** The live cluster: collection, scan, writers, exposure ranking, RBAC (`bulwark k8s`). */
export const loadK8s = () => import("./k8s/index.js");
export type { CollectOptions, ClusterSnapshot, K8sObject, CollectError, SnapshotKey, ClusterScanOptions, ClusterScanReport, WorkloadResult, ClusterImageResult, ComponentResult, NamespaceResult, Risk, RiskFactor, EntryPoint, Reach, ReachFunction, Subject, RbacReach, EscalationReport, EscalationPath, CanIResult, WhoCanResult } from "./k8s/index.js";
/** Users' CEL policies (ValidatingAdmissionPolicy offline). */
export const loadCel = () => import("./k8s/cel/index.js");
export type { CelContext, CelPolicySet, CelViolation } from "./k8s/cel/index.js";
/** Runtime rules on kernel events and audit logs (`bulwark runtime`). */
export const loadRuntime = () => import("./runtime/index.js");
export type { WatchOptions as RuntimeWatchOptions, WatchSummary as RuntimeWatchSummary, RuleValidation as RuntimeRuleValidation, RuntimeSource, Alert as RuntimeAlert, RuntimeEvent, ImageFileIndex } from "./runtime/index.js";
/** Runtime alerts to a Bulwark server (small: loaded with the library, no rule engine). */
export { ServerAlertSink, alertsUrl as runtimeAlertsUrl, type ServerSinkStats as RuntimeServerSinkStats } from "./runtime/server-sink.js";
/** The admission webhook (`bulwark admission`). */
export * as admission from "./admission/index.js";
/** The server (fastify, pg, pg-boss), loaded on first use so other commands do not pay for it. */
export const loadServer = () => import("./server/index.js");
export type { ServerOptions, RunningServer, RunningWorker } from "./server/index.js";
