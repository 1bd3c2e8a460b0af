// Kysely table types for the server database (SQLite and PostgreSQL alike). Times are ISO-8601
// UTC strings in both (they sort as text); JSON columns are text. Migrations own the DDL.
import type { Generated } from "kysely";

export interface ImagesTable {
  digest: string;
  registry: string | null;
  repository: string | null;
  platform: string | null;
  /** OSInfo JSON (null when no OS was recognised). */
  os: string | null;
  /** End of standard support of the OS (ISO date), for end-of-life queries. */
  os_eol_date: string | null;
  first_seen: string;
  last_seen: string;
  /** The stored inventory: a bulwark JSON report without findings and without file lists. */
  inventory: string;
  /** Legacy (before 0600_speed): "{}" on new rows, not kept; image_summary holds the counts. */
  counts: string;
  /** Legacy (before 0600_speed): null on new rows, not kept; see image_summary. */
  oldest_open_critical: string | null;
}

export interface ImageNamesTable {
  digest: string;
  name: string;
}

export interface ImageLayersTable {
  digest: string;
  idx: number;
  layer_digest: string;
  diff_id: string | null;
  size: number | null;
  created_by: string | null;
}

export interface PackagesTable {
  image_digest: string;
  /** Position in the stored inventory's packages[]. */
  idx: number;
  type: string;
  name: string;
  version: string;
  purl: string;
  /** Layer digest (or diffID) that introduced it. */
  layer: string | null;
  /** 0700_fast: pkg_variants.id (what the matcher sees of it). */
  variant?: number | null;
}

/** The re-match index: advisory lookup key (ecosystem base, normalised name) → package rows. */
export interface PackageKeysTable {
  ecosystem: string;
  name: string;
  image_digest: string;
  pkg_idx: number;
}

export interface FindingsTable {
  image_digest: string;
  /** CVE where there is one, else the advisory id. */
  vuln_id: string;
  pkg_idx: number;
  package: string;
  purl: string;
  version: string;
  fixed_version: string | null;
  layer: string | null;
  severity: string;
  advisory_id: string;
  first_seen: string;
  resolved_at: string | null;
  /**
   * The Vulnerability JSON of the latest match (for exports): "@" + a finding_data key
   * (0900_finding_data), or the JSON itself in rows written before.
   */
  data: string;
  /** 0700_fast: the package variant it was matched from. */
  variant?: number | null;
}

export interface ScansTable {
  id: string;
  image: string;
  status: "queued" | "running" | "done" | "failed";
  digest: string | null;
  error: string | null;
  /** api, upload, watch, ... */
  source: string;
  requested_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: Generated<number>;
}

export interface TokensTable {
  id: string;
  name: string;
  role: "admin" | "scanner" | "reader";
  /** sha256 hex of the token. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** Token name, or "system". */
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface RegistryCredentialsTable {
  id: string;
  registry: string;
  username: string;
  /** AES-256-GCM: base64(iv ‖ tag ‖ ciphertext), key from BULWARK_SECRET_KEY. */
  secret: string;
  created_at: string;
  updated_at: string;
}

/** The embedded (SQLite) queue's jobs; unused on PostgreSQL, where pg-boss keeps its own. */
export interface JobsTable {
  id: string;
  queue: string;
  data: string;
  singleton_key: string | null;
  state: "queued" | "active" | "done" | "failed";
  attempts: number;
  max_attempts: number;
  run_after: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
}

/** What the server last saw of each advisory record, to find changed ones after a refresh. */
export interface AdvisoryStateTable {
  record_id: string;
  modified: string;
}

/** 0600_speed: per image, open findings per severity (kept by every findings write). */
export interface ImageSummaryTable {
  digest: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
  fixable: number;
  /** first_seen of the oldest open critical finding. */
  oldest_open_critical: string | null;
}

/** 0600_speed: per package name, its open findings, distinct images and worst severity (4 = CRITICAL .. 0). */
export interface PackageSummaryTable {
  package: string;
  purl: string;
  findings: number;
  images: number;
  worst: number;
}

/** 0600_speed: findings opened / closed per day (YYYY-MM-DD) and severity. */
export interface FindingDailyTable {
  day: string;
  severity: string;
  opened: number;
  closed: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** Cluster reports of `k8s scan --server` (migration 0400_k8s). */
export interface K8sReportsTable {
  id: string;
  cluster: string;
  server: string;
  context: string | null;
  collected_at: string;
  received_at: string;
  uploaded_by: string;
  summary: string;
  report: string;
  size: number | string;
}

/** 0800_k8s_clusters: each cluster's newest report, and its workloads' image digests (src/server/k8s-workloads.ts). */
export interface K8sClustersTable {
  name: string;
  report_id: string;
  received_at: string;
}
/** 0800_k8s_clusters: one row per (workload, image digest) of a cluster's newest report. */
export interface K8sWorkloadImagesTable {
  report_id: string;
  cluster: string;
  ref: string;
  namespace: string;
  kind: string;
  name: string;
  digest: string;
  /** The image as the pod spec names it; repo@digest as the kubelet reported it; container names (comma-separated). */
  image: string | null;
  reference: string | null;
  containers: string;
}

/** Runtime alerts from `bulwark runtime watch --server` (migration 0500_alerts). */
export interface RuntimeAlertsTable {
  id: Generated<number | string>;
  time: string;
  received_at: string;
  host: string;
  rule: string;
  priority: string;
  source: string;
  container: string;
  container_name: string | null;
  image: string | null;
  output: string;
  fields: string;
  tags: string;
  suppressed: number;
  posted_by: string;
}

/** 0700_fast: distinct packages as the matcher sees them ([os, package] JSON). */
export interface PkgVariantsTable {
  id: Generated<number>;
  key: string;
  purl: string;
  json: string;
}
/** 0700_fast: advisory lookup keys of each variant. */
export interface VariantKeysTable {
  ecosystem: string;
  name: string;
  variant: number;
}
/** 0700_fast: a running re-match's results per variant (scratch). */
export interface RematchStageTable {
  run: string;
  variant: number;
  vuln_id: string;
  purl: string;
  package: string;
  version: string;
  fixed_version: string | null;
  layer: string | null;
  severity: string;
  advisory_id: string;
  data: string;
}

/** 0900_finding_data: finding JSON by content key (sha256, base64url, 24 characters). */
export interface FindingDataTable {
  key: string;
  data: string;
}

export interface Database {
  images: ImagesTable;
  image_names: ImageNamesTable;
  image_layers: ImageLayersTable;
  packages: PackagesTable;
  package_keys: PackageKeysTable;
  findings: FindingsTable;
  scans: ScansTable;
  tokens: TokensTable;
  audit_log: AuditLogTable;
  registry_credentials: RegistryCredentialsTable;
  jobs: JobsTable;
  advisory_state: AdvisoryStateTable;
  meta: MetaTable;
  k8s_reports: K8sReportsTable;
  k8s_clusters: K8sClustersTable;
  k8s_workload_images: K8sWorkloadImagesTable;
  runtime_alerts: RuntimeAlertsTable;
  image_summary: ImageSummaryTable;
  package_summary: PackageSummaryTable;
  finding_daily: FindingDailyTable;
  pkg_variants: PkgVariantsTable;
  variant_keys: VariantKeysTable;
  rematch_stage: RematchStageTable;
  finding_data: FindingDataTable;
}
