// Harbor scan requests on the server: a scans row (source "harbor") plus a job on our own queue,
// whose data carries the robot credentials sealed with BULWARK_SECRET_KEY; reports are built from
// what the store holds for the digest.
import { randomUUID } from "node:crypto";
import { getWriter, scan, UserError, type Report, type ScanOptions } from "../../index.js";
import type { HarborArtifact } from "../../integrations/harbor/report.js";
import type { HarborScanTarget } from "../../integrations/harbor/request.js";
import type { Principal, ServerContext } from "../context.js";
import { openVulnerabilities } from "../finding-data.js";
import type { QueueJob } from "../queue/types.js";
import { decryptSecret, encryptSecret } from "../secrets.js";
import { storeReport } from "../store.js";
import { idb } from "./schema.js";

/**
 * Scans that carry their own registry credentials (Harbor's robot account, a watch's stored
 * login): S1's scan queue takes a reference only, so these go through a queue of ours whose job
 * data holds the credentials sealed with BULWARK_SECRET_KEY (bound to the scan id).
 */
export const CREDENTIALED_SCAN_QUEUE = "bulwark-credentialed-scan";

interface CredentialedJob {
  scanId: string;
  image: string;
  /** Plain HTTP / unverified TLS allowed for this pull. */
  insecure: boolean;
  /** Sealed {"username","password"}, aad `scan:<scanId>`. */
  credentials?: string;
}

export interface CredentialedScan {
  image: string;
  source: string;
  insecure: boolean;
  credentials?: { username: string; password: string };
  /** At most one active job per key (the digest). */
  singletonKey: string;
}

/** Records a scans row and queues the job; returns the scan id. */
export async function submitCredentialedScan(ctx: ServerContext, s: CredentialedScan, by?: Principal, id: string = randomUUID()): Promise<string> {
  const now = ctx.clock().toISOString();
  let credentials: string | undefined;
  if (s.credentials) {
    if (!ctx.config.secretKey) throw new UserError("USAGE", "registry credentials need BULWARK_SECRET_KEY on the server (they are kept encrypted in the queue)");
    credentials = encryptSecret(ctx.config.secretKey, JSON.stringify(s.credentials), `scan:${id}`);
  }
  await ctx.db.insertInto("scans").values({ id, image: s.image, status: "queued", digest: null, error: null, source: s.source, requested_by: by?.name ?? null, created_at: now, started_at: null, finished_at: null }).execute();
  const job: CredentialedJob = { scanId: id, image: s.image, insecure: s.insecure, ...(credentials ? { credentials } : {}) };
  await ctx.queue.send(CREDENTIALED_SCAN_QUEUE, job, { singletonKey: s.singletonKey, maxAttempts: 3 });
  return id;
}

export async function submitHarborScan(ctx: ServerContext, target: HarborScanTarget, by?: Principal): Promise<string> {
  const id = randomUUID();
  await idb(ctx.db).insertInto("harbor_scans").values({ id, scan_id: id, artifact: JSON.stringify(target.artifact), capabilities: JSON.stringify(target.capabilities), created_at: ctx.clock().toISOString() }).execute();
  // A plain-http registry URL from Harbor is Harbor's own (internal) address: allowed for this pull.
  const creds = target.username !== undefined ? { username: target.username, password: target.password ?? "" } : undefined;
  return submitCredentialedScan(ctx, { image: target.image, source: "harbor", insecure: target.plainHttp, ...(creds ? { credentials: creds } : {}), singletonKey: target.artifact.digest ?? target.image }, by, id);
}

export function credentialedJobHandler(ctx: ServerContext, onDone?: (scanId: string, digest: string) => void) {
  return async (job: QueueJob<CredentialedJob>): Promise<void> => {
    const { scanId, image } = job.data;
    const row = await ctx.db.selectFrom("scans").select(["status"]).where("id", "=", scanId).executeTakeFirst();
    if (!row || row.status === "done") return;
    await ctx.db.updateTable("scans").set({ status: "running", started_at: ctx.clock().toISOString(), attempts: job.attempt }).where("id", "=", scanId).execute();
    const opts: ScanOptions = { scanners: ["package", "vuln"], vuln: { db: ctx.config.advisoryDb, skipDbUpdate: true, ignoreFile: false } };
    if (ctx.config.cacheDir) opts.cacheDir = ctx.config.cacheDir;
    if (ctx.config.insecureRegistries || job.data.insecure) opts.insecure = true;
    if (job.data.credentials) {
      if (!ctx.config.secretKey) throw new UserError("USAGE", "BULWARK_SECRET_KEY is needed to read this job's credentials");
      const c = JSON.parse(decryptSecret(ctx.config.secretKey, job.data.credentials, `scan:${scanId}`)) as { username: string; password: string };
      opts.username = c.username;
      opts.password = c.password;
    }
    try {
      const report = await scan(`registry:${image}`, opts);
      const host = image.slice(0, image.indexOf("/"));
      const repository = image.slice(host.length + 1).replace(/@.*$/, "");
      const { digest } = await storeReport(ctx.db, report, { now: ctx.clock(), names: [image], registry: host, repository, scanId, dialect: ctx.dialect });
      onDone?.(scanId, digest);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const final = (e instanceof UserError && e.code !== "NETWORK") || job.attempt >= 3;
      await ctx.db.updateTable("scans").set(final ? { status: "failed", error: message.slice(0, 1000), finished_at: ctx.clock().toISOString() } : { status: "queued", error: message.slice(0, 1000) }).where("id", "=", scanId).execute();
      if (!final) throw e;
    }
  };
}

export async function startCredentialedWorkers(ctx: ServerContext): Promise<void> {
  await ctx.queue.ensureQueue(CREDENTIALED_SCAN_QUEUE, { leaseSeconds: ctx.config.leaseSeconds, maxAttempts: 3 });
  // At least one, also with --workers 0: `bulwark worker` processes run only the core scan queue.
  await ctx.queue.work<CredentialedJob>(CREDENTIALED_SCAN_QUEUE, { concurrency: Math.max(1, Math.min(2, ctx.config.workers)), leaseSeconds: ctx.config.leaseSeconds }, credentialedJobHandler(ctx));
}

export interface HarborScanState {
  status: "queued" | "running" | "done" | "failed";
  error?: string;
  digest?: string;
  artifact: HarborArtifact;
  finishedAt?: string;
}

export async function harborScanState(ctx: ServerContext, id: string): Promise<HarborScanState | undefined> {
  const h = await idb(ctx.db).selectFrom("harbor_scans").selectAll().where("id", "=", id).executeTakeFirst();
  if (!h) return undefined;
  const s = await ctx.db.selectFrom("scans").select(["status", "error", "digest", "finished_at"]).where("id", "=", h.scan_id).executeTakeFirst();
  if (!s) return undefined;
  return { status: s.status, ...(s.error ? { error: s.error } : {}), ...(s.digest ? { digest: s.digest } : {}), ...(s.finished_at ? { finishedAt: s.finished_at } : {}), artifact: JSON.parse(h.artifact) as HarborArtifact };
}

/** The stored image as a Bulwark report: its inventory with its open findings. */
export async function storedReport(ctx: ServerContext, digest: string): Promise<Report | undefined> {
  const img = await ctx.db.selectFrom("images").select(["inventory"]).where("digest", "=", digest).executeTakeFirst();
  if (!img) return undefined;
  const report = JSON.parse(img.inventory) as Report;
  report.vulnerabilities = await openVulnerabilities(ctx.db, digest);
  return report;
}

export function writeSbom(report: Report, format: "cyclonedx-json" | "spdx-json", now: Date): string {
  return getWriter(format).write(report, { timestamp: now });
}
