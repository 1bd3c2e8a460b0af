// What the dashboard API answers (src/dashboard/queries.ts builds these).
export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNKNOWN";
export const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
export type Counts = Partial<Record<Severity, number>>;

export interface Overview {
  images: number;
  findings: Counts;
  fixable: number;
  history: { days: string[]; series: Record<Severity, number[]> };
  topPackages: { name: string; type: string; images: number; findings: number; worst: Severity }[];
  eolImages: { digest: string; names: string[]; os: string; eolDate: string }[];
  malicious: { digest: string; names: string[]; package: string; version: string; id: string }[];
  images_list: { digest: string; names: string[]; lastSeen: string; counts: Counts }[];
}

export interface ImageDetail {
  digest: string;
  names: string[];
  platform?: string;
  os?: string;
  eol?: { date: string; eol: boolean };
  firstSeen: string;
  lastSeen: string;
  layers: { index: number; digest: string; createdBy?: string; size?: number; packages: string[] }[];
  packages: { name: string; version: string; type: string; purl: string; layer?: number }[];
  findings: { id: string; package: string; version: string; fixedVersion?: string; severity: Severity; layer?: number; title?: string; firstSeen?: string }[];
}

export interface CveImages {
  images: { digest: string; names: string[]; findings: { id: string; package: string; version: string; fixedVersion?: string; layer?: string }[] }[];
}

export interface Watch {
  id: string;
  name: string;
  registry: string;
  repositories: string[];
  tags: string[];
  intervalSeconds: number;
  insecure: boolean;
  enabled: boolean;
  hasCredentials: boolean;
  lastListedAt?: string;
  lastError?: string;
  webhookUrl?: string;
}

export interface Rule {
  id: string;
  name: string;
  url: string;
  format: "json" | "slack";
  minSeverity: Severity;
  fixableOnly: boolean;
  registries: string[];
  namespaces: string[];
  enabled: boolean;
}

export interface DeliveryRow {
  id: string;
  ruleId: string;
  status: "pending" | "delivered" | "failed";
  findings: number;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  lastStatusCode?: number;
  createdAt: string;
  deliveredAt?: string;
}
