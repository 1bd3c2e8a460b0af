// Scan jobs: submitted references are queued, a worker (in the server or a `bulwark worker`
// process) pulls and scans with the library's scan() (shared layer cache, the server's advisory
// database) and stores inventory, findings and the scan's status in one transaction.
import { randomUUID } from "node:crypto";
import { scan, UserError, type ScanOptions, type VulnScanOptions } from "../index.js";
import type { Principal, ServerContext } from "./context.js";
import { storeReport } from "./store.js";
import type { QueueJob } from "./queue/types.js";

export const SCAN_QUEUE = "bulwark-scan";

export interface ScanJobData {
  scanId: string;
  image: string;
}

// Distribution's reference grammar (host[:port]/path[:tag][@digest]); anything else (paths,
// transports like docker-archive: or dir:) is refused, so an API caller cannot make the server
// read its own file system.
const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REFERENCE = new RegExp(String.raw`^${DOMAIN}${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/** Throws UserError unless `ref` is a registry image reference. */
export function checkImageReference(ref: string): string {
  if (ref.length > 512 || !REFERENCE.test(ref)) throw new UserError("INPUT", "image must be a registry reference such as registry.example/team/app:1.0 or …@sha256:<64 hex>");
  return ref;
}

/** Registry host and repository of a reference (Docker Hub when no host is named). */
export function splitReference(ref: string): { registry: string; repository: string } {
  const noDigest = ref.replace(/@.*$/, "");
  const first = noDigest.split("/")[0]!;
  const hasHost = noDigest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasHost ? first : "docker.io";
  let repo = hasHost ? noDigest.slice(first.length + 1) : noDigest;
  repo = repo.replace(/:[^/]*$/, "");
  if (!hasHost && !repo.includes("/")) repo = `library/${repo}`;
  return { registry, repository: repo };
}

/** Records a scan and queues it; returns its id. */
export async function submitScan(ctx: ServerContext, image: string, source: string, by?: Principal): Promise<string> {
  checkImageReference(image);
  const id = randomUUID();
  await ctx.db
    .insertInto("scans")
    .values({ id, image, status: "queued", digest: null, error: null, source, requested_by: by?.name ?? null, created_at: ctx.clock().toISOString(), started_at: null, finished_at: null })
    .execute();
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];
  // One active scan per image: keyed by digest when the reference names one, else by reference.
  await ctx.queue.send<ScanJobData>(SCAN_QUEUE, { scanId: id, image }, { singletonKey: digest ?? image, maxAttempts: 3 });
  return id;
}

/**
 * Advisory options of server-side matching. As in `bulwark scan`, a scan fetches the ecosystems it
 * needs when they are missing or older than a day (unless offline); whatever any writer changes in
 * the database is re-matched by the next refresh, which compares every record's `modified` with
 * what the server saw before.
 */
export function advisoryOptions(ctx: ServerContext): VulnScanOptions {
  const o: VulnScanOptions = { db: ctx.config.advisoryDb, ignoreFile: false };
  if (ctx.config.offline) o.offline = true;
  if (ctx.config.dbRepository) o.dbRepository = ctx.config.dbRepository;
  return o;
}

export interface ScanWorkerOptions {
  /** Called after a job's results were committed (tests, notifications). */
  onDone?: (scanId: string, digest: string) => void;
}

export function scanJobHandler(ctx: ServerContext, opts: ScanWorkerOptions = {}) {
  return async (job: QueueJob<ScanJobData>): Promise<void> => {
    const { scanId, image } = job.data;
    const row = await ctx.db.selectFrom("scans").select(["status"]).where("id", "=", scanId).executeTakeFirst();
    if (!row || row.status === "done") return; // finished by an earlier attempt whose ack was lost
    ctx.log.info(`scan ${scanId} ${image} attempt ${job.attempt} started (pid ${process.pid})`);
    await ctx.db.updateTable("scans").set({ status: "running", started_at: ctx.clock().toISOString(), attempts: job.attempt }).where("id", "=", scanId).execute();
    const scanOpts: ScanOptions = {
      scanners: ["package", "vuln"],
      vuln: advisoryOptions(ctx),
    };
    if (ctx.config.cacheDir) scanOpts.cacheDir = ctx.config.cacheDir;
    if (ctx.config.insecureRegistries) scanOpts.insecure = true;
    try {
      const report = await scan(`registry:${image}`, scanOpts);
      const { registry, repository } = splitReference(image);
      const { digest } = await storeReport(ctx.db, report, { now: ctx.clock(), names: [image], registry, repository, scanId, dialect: ctx.dialect });
      ctx.log.info(`scan ${scanId} ${image} done: ${digest}`);
      opts.onDone?.(scanId, digest);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Bad input (unknown image, refused credentials) will not get better: fail now.
      const final = e instanceof UserError && e.code !== "NETWORK" ? true : job.attempt >= 3;
      await ctx.db
        .updateTable("scans")
        .set(final ? { status: "failed", error: message.slice(0, 1000), finished_at: ctx.clock().toISOString() } : { status: "queued", error: message.slice(0, 1000) })
        .where("id", "=", scanId)
        .execute();
      ctx.log.warn(`scan ${scanId} ${image} attempt ${job.attempt} failed: ${message}`);
      if (!final) throw e;
    }
  };
}

/** Runs `concurrency` scan workers on ctx.queue. */
export async function startScanWorkers(ctx: ServerContext, concurrency: number, opts: ScanWorkerOptions = {}): Promise<void> {
  await ctx.queue.ensureQueue(SCAN_QUEUE, { leaseSeconds: ctx.config.leaseSeconds, maxAttempts: 3 });
  if (concurrency > 0) await ctx.queue.work<ScanJobData>(SCAN_QUEUE, { concurrency, leaseSeconds: ctx.config.leaseSeconds }, scanJobHandler(ctx, opts));
}
