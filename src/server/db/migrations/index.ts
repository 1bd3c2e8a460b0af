// Versioned migrations, applied in name order at start-up. One line per migration; names are
// `NNNN_topic`. Core uses 0001-0099, the dashboard/integrations branch 0100+. A migration is never
// edited once released: add a new one.
import type { Kysely } from "kysely";
import { core } from "./0001_core.js";
import { integrations } from "./0100_integrations.js";
import { k8s } from "./0400_k8s.js";
import { alerts } from "./0500_alerts.js";
import { speed } from "./0600_speed.js";
import { fast } from "./0700_fast.js";
import { k8sClusters } from "./0800_k8s_clusters.js";
import { findingData } from "./0900_finding_data.js";

export type SqlDialect = "sqlite" | "postgres";

export interface ServerMigration {
  name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

export const MIGRATIONS: readonly ServerMigration[] = [
  core,
  integrations,
  k8s,
  alerts,
  speed,
  fast,
  k8sClusters,
  findingData,
];
