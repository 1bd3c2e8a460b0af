// PostgreSQL: pg-boss on the same database (schema "pgboss"). Scan queues use the `singleton`
// policy (a unique index allows one active job per singletonKey), retries with exponential
// backoff, and expireInSeconds as the lease: a job whose worker was killed is failed by pg-boss'
// maintenance after the lease and retried.
import PgBoss from "pg-boss";
import { backoffSeconds, type EnqueueOptions, type JobHandler, type JobQueue, type WorkOptions } from "./types.js";

export interface PgBossQueueOptions {
  /** How often pg-boss' maintenance (expiry of dead workers' jobs) runs; default 60 s. */
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export class PgBossQueue implements JobQueue {
  readonly kind = "pg-boss";
  private readonly boss: PgBoss;
  private readonly poll: number;
  private started?: Promise<unknown>;
  private readonly settings = new Map<string, { maxAttempts: number }>();

  constructor(connectionString: string, opts: PgBossQueueOptions = {}) {
    this.boss = new PgBoss({
      connectionString,
      schema: "pgboss",
      max: 4,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
      monitorStateIntervalSeconds: Math.max(1, opts.maintenanceIntervalSeconds ?? 60),
    });
    this.poll = opts.pollingIntervalSeconds ?? 1;
    this.boss.on("error", () => {});
  }

  private start(): Promise<unknown> {
    this.started ??= this.boss.start();
    return this.started;
  }

  async ensureQueue(name: string, opts: { leaseSeconds?: number; maxAttempts?: number } = {}): Promise<void> {
    await this.start();
    const maxAttempts = opts.maxAttempts ?? 3;
    this.settings.set(name, { maxAttempts });
    if (await this.boss.getQueue(name)) return;
    try {
      await this.boss.createQueue(name, {
        name, policy: "singleton", retryLimit: maxAttempts - 1, retryDelay: backoffSeconds(1), retryBackoff: true, expireInSeconds: opts.leaseSeconds ?? 900,
      });
    } catch (e) {
      // Another process created it between the check and the insert.
      if (!(await this.boss.getQueue(name))) throw e;
    }
  }

  async send<T extends object>(queue: string, data: T, opts: EnqueueOptions = {}): Promise<string> {
    await this.start();
    const send: PgBoss.SendOptions = {};
    if (opts.singletonKey) send.singletonKey = opts.singletonKey;
    if (opts.maxAttempts) send.retryLimit = opts.maxAttempts - 1;
    const id = await this.boss.send(queue, data, send);
    if (!id) throw new Error(`queue ${queue} refused the job`);
    return id;
  }

  async work<T>(queue: string, opts: WorkOptions, handler: JobHandler<T>): Promise<void> {
    await this.start();
    // pg-boss 10 runs one fetch loop per work() call: one per wanted concurrent job.
    for (let i = 0; i < opts.concurrency; i++) {
      await this.boss.work<T>(queue, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.poll }, async ([job]) => {
        if (!job) return;
        await handler({ id: job.id, queue, data: job.data, attempt: job.retryCount + 1 });
      });
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (!this.started) return;
    await this.boss.stop({ graceful: true, timeout: graceMs, wait: true }).catch(() => {});
  }
}
