import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/connect.js";
import { SqliteQueue } from "./sqlite.js";

const dir = mkdtempSync(join(tmpdir(), "bw-sqlite-queue-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timeout");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("embedded SQLite queue", () => {
  it("runs each job once, one active job per singleton key, retries failures with backoff", async () => {
    const sdb = await openDatabase(join(dir, "a.db"));
    let now = Date.now();
    const q = new SqliteQueue(sdb.db, 20, () => new Date(now));
    await q.ensureQueue("t", { maxAttempts: 2 });
    const runs: string[] = [];
    let active = 0;
    let maxActive = 0;
    await q.work<{ n: string }>("t", { concurrency: 4 }, async (job) => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs.push(`${job.data.n}#${job.attempt}`);
      await new Promise((r) => setTimeout(r, 30));
      active--;
      if (job.data.n === "fail") throw new Error("boom");
    });
    for (const n of ["a", "b", "c"]) await q.send("t", { n }, { singletonKey: "same" });
    await q.send("t", { n: "fail" });
    await until(() => runs.filter((r) => /^[abc]#1$/.test(r)).length === 3 && runs.includes("fail#1"));
    expect(maxActive).toBeLessThanOrEqual(2); // the three "same" jobs never overlap (only "fail" may run beside one)
    // The failed job waits for its backoff (5 s) on the queue's clock, then runs once more and fails for good.
    now += 6_000;
    await until(() => runs.includes("fail#2"));
    now += 60_000;
    await new Promise((r) => setTimeout(r, 200));
    expect(runs.filter((r) => r.startsWith("fail")).length).toBe(2);
    await q.stop();
    const rows = await sdb.db.selectFrom("jobs").select(["state", "attempts", "last_error"]).orderBy("created_at").execute();
    expect(rows.map((r) => r.state).sort()).toEqual(["done", "done", "done", "failed"]);
    expect(rows.find((r) => r.state === "failed")).toMatchObject({ attempts: 2, last_error: "boom" });
    await sdb.close();
  });

  it("gives a job whose worker died back after its lease", async () => {
    const file = join(dir, "b.db");
    let now = Date.now();
    const first = await openDatabase(file);
    const q1 = new SqliteQueue(first.db, 20, () => new Date(now));
    await q1.ensureQueue("t", { leaseSeconds: 30 });
    await q1.send("t", { n: 1 });
    let started = false;
    // A handler that never finishes: the process "dies" with the job active.
    await q1.work("t", { concurrency: 1 }, () => ((started = true), new Promise<void>(() => {})));
    await until(() => started);
    await q1.stop(50);
    await first.close();

    const second = await openDatabase(file);
    const q2 = new SqliteQueue(second.db, 20, () => new Date(now));
    await q2.ensureQueue("t", { leaseSeconds: 30 });
    const seen: number[] = [];
    await q2.work("t", { concurrency: 1 }, async (job) => void seen.push(job.attempt));
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]); // lease still running
    now += 31_000;
    await until(() => seen.length === 1);
    expect(seen).toEqual([2]);
    await q2.stop();
    expect((await second.db.selectFrom("jobs").select("state").execute()).map((r) => r.state)).toEqual(["done"]);
    await second.close();
  });
});
