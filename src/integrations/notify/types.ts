// Notification rules, findings as notifications see them, and deliveries.
import type { Severity } from "../../model/index.js";

export type NotificationFormat = "json" | "slack";

export interface NotificationRule {
  id: string;
  name: string;
  /** Webhook URL (http or https; TLS verified). */
  url: string;
  format: NotificationFormat;
  /** Notify findings at or above this severity. */
  minSeverity: Severity;
  /** Only findings that have a fixed version. */
  fixableOnly: boolean;
  /** Registry host globs (e.g. `registry.example.com`, `*.corp`); empty = all. */
  registries: string[];
  /** Repository globs (e.g. `team/*`, `prod/**`); empty = all. */
  namespaces: string[];
  enabled: boolean;
}

/** One new finding of one stored image. */
export interface NotificationFinding {
  imageDigest: string;
  /** Names the image is known by (`host/repo:tag`). */
  imageNames: string[];
  id: string;
  package: string;
  version: string;
  fixedVersion?: string;
  severity: Severity;
  title?: string;
  malicious?: boolean;
  /** ISO time the finding appeared. */
  foundAt: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
  id: string;
  ruleId: string;
  status: DeliveryStatus;
  /** The exact body sent (the HMAC covers these bytes). */
  body: string;
  findings: number;
  attempts: number;
  /** ISO time of the next attempt while pending. */
  nextAttemptAt: string;
  lastError?: string;
  lastStatusCode?: number;
  createdAt: string;
  deliveredAt?: string;
}
