// The embedded queue: a job table in the server's own SQLite file, claimed with leases by
// in-process workers. SQLite means one server process (the file is not shared over a network),
// so no queue library is needed: a claim is one UPDATE … RETURNING inside SQLite's write lock,
// and a lease that runs out (a crash, a kill) makes the job claimable again on the next start.
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { backoffSeconds, type EnqueueOptions, type JobHandler, type JobQueue, type WorkOptions } from "./types.js";

interface Claimed {
  id: string;
  data: string;
  attempts: number;
  max_attempts: number;
}

export class SqliteQueue implements JobQueue {
  readonly kind = "sqlite";
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Map<string, Set<() => void>>();
  private readonly settings = new Map<string, { leaseSeconds: number; maxAttempts: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly pollMs = 500,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async ensureQueue(name: string, opts: { leaseSeconds?: number; maxAttempts?: number } = {}): Promise<void> {
    this.settings.set(name, { leaseSeconds: opts.leaseSeconds ?? 900, maxAttempts: opts.maxAttempts ?? 3 });
  }

  async send<T extends object>(queue: string, data: T, opts: EnqueueOptions = {}): Promise<string> {
    const id = randomUUID();
    const now = this.clock().toISOString();
    await this.db
      .insertInto("jobs")
      .values({
        id, queue, data: JSON.stringify(data), singleton_key: opts.singletonKey ?? null, state: "queued", attempts: 0,
        max_attempts: opts.maxAttempts ?? this.settings.get(queue)?.maxAttempts ?? 3, run_after: now, lease_until: null, last_error: null, created_at: now,
      })
      .execute();
    for (const wake of this.wakers.get(queue) ?? []) wake();
    return id;
  }

  private async claim(queue: string, leaseSeconds: number): Promise<Claimed | undefined> {
    const now = this.clock();
    const nowIso = now.toISOString();
    const lease = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    const r = await sql<Claimed>`
      UPDATE jobs SET state = 'active', attempts = attempts + 1, lease_until = ${lease}
      WHERE id = (
        SELECT j.id FROM jobs j
        WHERE j.queue = ${queue}
          AND ((j.state = 'queued' AND j.run_after <= ${nowIso}) OR (j.state = 'active' AND j.lease_until < ${nowIso}))
          AND (j.singleton_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM jobs k WHERE k.queue = j.queue AND k.singleton_key = j.singleton_key
              AND k.state = 'active' AND k.lease_until >= ${nowIso} AND k.id <> j.id))
        ORDER BY j.run_after, j.created_at LIMIT 1)
      RETURNING id, data, attempts, max_attempts`.execute(this.db);
    return r.rows[0];
  }

  async work<T>(queue: string, opts: WorkOptions, handler: JobHandler<T>): Promise<void> {
    const leaseSeconds = opts.leaseSeconds ?? this.settings.get(queue)?.leaseSeconds ?? 900;
    for (let i = 0; i < opts.concurrency; i++) {
      const loop = this.loop(queue, leaseSeconds, handler);
      this.running.add(loop);
      void loop.finally(() => this.running.delete(loop));
    }
  }

  private sleep(queue: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.wakers.get(queue);
      if (!set) this.wakers.set(queue, (set = new Set()));
      const wake = (): void => {
        clearTimeout(t);
        this.timers.delete(t);
        set.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.timers.add(t);
      set.add(wake);
    });
  }

  private async loop<T>(queue: string, leaseSeconds: number, handler: JobHandler<T>): Promise<void> {
    while (!this.stopped) {
      let job: Claimed | undefined;
      try {
        job = await this.claim(queue, leaseSeconds);
      } catch {
        job = undefined;
      }
      if (!job) {
        await this.sleep(queue, this.pollMs);
        continue;
      }
      await this.runOne(queue, job, leaseSeconds, handler);
    }
  }

  private async runOne<T>(queue: string, job: Claimed, leaseSeconds: number, handler: JobHandler<T>): Promise<void> {
    const { id } = job;
    if (job.attempts > job.max_attempts) {
      await this.db.updateTable("jobs").set({ state: "failed", lease_until: null, last_error: "lease expired too many times" }).where("id", "=", id).execute();
      return;
    }
    // Keep the lease while the handler runs.
    const beat = setInterval(() => {
      const until = new Date(this.clock().getTime() + leaseSeconds * 1000).toISOString();
      void this.db.updateTable("jobs").set({ lease_until: until }).where("id", "=", id).where("state", "=", "active").execute().catch(() => {});
    }, Math.max(1000, (leaseSeconds * 1000) / 3));
    try {
      await handler({ id, queue, data: JSON.parse(job.data) as T, attempt: job.attempts });
      await this.db.updateTable("jobs").set({ state: "done", lease_until: null }).where("id", "=", id).execute();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const last = job.attempts >= job.max_attempts;
      const runAfter = new Date(this.clock().getTime() + backoffSeconds(job.attempts) * 1000).toISOString();
      await this.db
        .updateTable("jobs")
        .set(last ? { state: "failed", lease_until: null, last_error: message } : { state: "queued", lease_until: null, run_after: runAfter, last_error: message })
        .where("id", "=", id)
        .execute()
        .catch(() => {});
    } finally {
      clearInterval(beat);
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const set of this.wakers.values()) for (const wake of [...set]) wake();
    const all = Promise.allSettled([...this.running]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}
