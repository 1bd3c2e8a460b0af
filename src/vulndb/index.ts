// The advisory database: a local SQLite mirror of OSV records, queried by scans.
export { AdvisoryDB, type EcosystemSummary } from "./store.js";
export { importPaths, type ImportOptions, type ImportResult } from "./import.js";
export { updateDb, dbStatus, DEFAULT_REPOSITORY, type UpdateOptions, type UpdateResult, type UpdateProgress, type DbStatus } from "./update.js";
export { defaultDbPath } from "./paths.js";
export { SCHEMA_VERSION } from "./schema.js";
export { LOCK_TIMEOUT_MS, lockPathFor, type LockOptions } from "./lock.js";
