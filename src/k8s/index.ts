// The live-Kubernetes room's public surface: collection, the cluster scan and its writers, the
// exposure ranking, and the RBAC engine. The library exposes it through `loadK8s()` (src/index.ts),
// loaded on first use.
export { collectCluster, type CollectOptions } from "./collect.js";
export type { ClusterSnapshot, K8sObject, CollectError, SnapshotKey } from "./snapshot.js";
export { scanCluster, type ClusterScanOptions, type ClusterScanReport, type WorkloadResult, type ImageResult as ClusterImageResult, type ComponentResult, type NamespaceResult } from "./scan.js";
export { clusterJsonChunks, writeClusterJson, writeClusterSarif, writeClusterTable, clusterAsReport } from "./output.js";
export { rankRisks, entryPoints, type Risk, type RiskFactor, type EntryPoint } from "./exposure.js";
export { simpleReach, type Reach, type ReachFunction, type Subject } from "./reach.js";
export { canI, whoCan, reach, findEscalations, canITable, whoCanTable, escalationTable, loadK8sObjects, EscalationGraph, Authorizer as RbacAuthorizer, rbacReach, type Reach as RbacReach, type EscalationReport, type EscalationPath, type CanIResult, type WhoCanResult } from "./rbac/index.js";
export { connect as connectKube, statusMessage as kubeStatusMessage, type KubeClient, type ClientOptions as KubeClientOptions } from "./client.js";
