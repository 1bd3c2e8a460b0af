// The job queue both databases offer: pg-boss on PostgreSQL, a job table with leases in SQLite.
export interface EnqueueOptions {
  /** At most one active job per key and queue (scans: the image reference or digest). */
  singletonKey?: string;
  /** Attempts before the job fails for good (default 3). */
  maxAttempts?: number;
}

export interface QueueJob<T = unknown> {
  id: string;
  queue: string;
  data: T;
  /** 1 for the first run. */
  attempt: number;
}

export type JobHandler<T = unknown> = (job: QueueJob<T>) => Promise<void>;

export interface WorkOptions {
  /** Jobs run at once by this process on this queue. */
  concurrency: number;
  /** Lease (seconds): a job whose worker died is run again after this (default 900). */
  leaseSeconds?: number;
}

export interface JobQueue {
  readonly kind: "sqlite" | "pg-boss";
  /** Creates the queue if needed (idempotent); must be called before send/work on it. */
  ensureQueue(name: string, opts?: { leaseSeconds?: number; maxAttempts?: number }): Promise<void>;
  send<T extends object>(queue: string, data: T, opts?: EnqueueOptions): Promise<string>;
  work<T>(queue: string, opts: WorkOptions, handler: JobHandler<T>): Promise<void>;
  /** Stops fetching; waits up to `graceMs` for running handlers. */
  stop(graceMs?: number): Promise<void>;
}

/** Backoff before attempt n+1 (seconds): 5, 10, 20, … capped at 10 minutes. */
export function backoffSeconds(attempt: number): number {
  return Math.min(600, 5 * 2 ** Math.max(0, attempt - 1));
}
