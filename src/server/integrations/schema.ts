// Kysely types of the integration tables (migration 0100), merged into the server's Database.
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

export interface IntegrationTables {
  harbor_scans: { id: string; scan_id: string; artifact: string; capabilities: string; created_at: string };
  notify_rules: {
    id: string; name: string; sealed: string; url_hint: string; format: string; min_severity: string; fixable_only: number;
    registries: string; namespaces: string; enabled: number; created_at: string;
  };
  notify_sent: { key: string; created_at: string };
  notify_deliveries: {
    id: string; rule_id: string; status: string; body: string; findings: number; attempts: number; next_attempt_at: string;
    last_error: string | null; last_status_code: number | null; created_at: string; delivered_at: string | null;
  };
  watches: {
    id: string; name: string; registry: string; repositories: string; tags: string; interval_seconds: number; insecure: number; enabled: number;
    credentials: string | null; event_secret_hash: string; last_listed_at: string | null; next_list_at: string | null; last_error: string | null; created_at: string;
  };
  watch_seen: { watch_id: string; repository: string; digest: string; scan_id: string | null; first_seen: string };
}

export type IntegrationsDatabase = Database & IntegrationTables;

/** The server's database handle, with the integration tables typed. */
export const idb = (db: Kysely<Database>): Kysely<IntegrationsDatabase> => db as unknown as Kysely<IntegrationsDatabase>;
