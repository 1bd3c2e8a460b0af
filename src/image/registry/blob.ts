// Blob streams that verify their digest while streaming: the error comes before 'end', so a
// consumer never sees a clean end of tampered or truncated content.
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { Hash } from "node:crypto";
import { UserError } from "../../errors.js";
import type { RegistryClient } from "./client.js";
import { hasherFor } from "./digest.js";
import { discard } from "./transport.js";

export interface VerifyOptions {
  digest: string;
  /** Size from the descriptor; more bytes than this fail at once. */
  size?: number;
  idleMs: number;
  /** For messages: "layer sha256:… of host/repo". */
  label: string;
  onBytes?: (total: number) => void;
  onDone?: () => void;
  /**
   * Asks for the blob again from `offset` (a Range request) after the connection broke
   * mid-blob; without it, a broken connection fails the stream.
   */
  reopen?: (offset: number) => Promise<IncomingMessage>;
}

/** Times a blob download resumes after a broken connection before it fails. */
export const MAX_RESUMES = 5;

/**
 * Pulls from the response only while the consumer wants data (so parallel streams never buffer
 * whole blobs), and times out only while waiting on the network, not on a slow consumer.
 */
export class VerifiedBlobStream extends Readable {
  private readonly hash: Hash;
  private received = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  private res!: IncomingMessage;
  private resumes = 0;
  private resuming = false;
  /** Bytes still to drop from a response that ignored the Range header (200 instead of 206). */
  private skip = 0;

  constructor(res: IncomingMessage, private readonly o: VerifyOptions) {
    super();
    this.hash = hasherFor(o.digest);
    this.attach(res);
  }

  /** Reads from `res`; events of a response given up on are ignored. */
  private attach(res: IncomingMessage): void {
    this.res = res;
    res.pause(); // before adding 'data', so the listener does not start the flow
    res.on("data", (chunk: Buffer) => {
      if (this.res === res) this.onChunk(chunk);
    });
    res.on("end", () => {
      if (this.res === res) this.onEnd();
    });
    res.on("error", (e) => {
      if (this.res === res) this.interrupted(`download failed: ${e.message}`);
    });
    res.on("close", () => {
      if (this.res === res && !this.ended) this.interrupted("connection closed before the blob was complete");
    });
  }

  /** The connection broke mid-blob: ask for the rest (Range) and go on hashing, or fail. */
  private interrupted(why: string): void {
    if (this.destroyed || this.resuming) return;
    const reopen = this.o.reopen;
    if (!reopen || this.resumes >= MAX_RESUMES) {
      this.destroy(new UserError("NETWORK", `${this.o.label}: ${why}${this.resumes > 0 ? ` (after ${this.resumes} resumed downloads)` : ""}`));
      return;
    }
    this.resumes++;
    this.resuming = true;
    clearTimeout(this.timer);
    this.res.destroy();
    const offset = this.received;
    reopen(offset).then(
      (res) => {
        this.resuming = false;
        if (this.destroyed) {
          res.destroy();
          return;
        }
        if (res.statusCode === 206) {
          const start = /^bytes (\d+)-/.exec(String(res.headers["content-range"] ?? ""));
          if (!start || Number(start[1]) !== offset) {
            res.destroy();
            this.destroy(new UserError("NETWORK", `${this.o.label}: resumed download starts at the wrong offset (${String(res.headers["content-range"])}, wanted ${offset})`));
            return;
          }
        } else {
          // The whole blob again: drop what was already hashed.
          this.skip = offset;
          this.received = 0;
        }
        this.attach(res);
        this.arm();
        res.resume();
      },
      (e: unknown) => {
        this.resuming = false;
        this.destroy(e instanceof Error ? e : new Error(String(e)));
      },
    );
  }

  override _read(): void {
    if (this.resuming) return; // the new response is resumed when it arrives
    this.arm();
    this.res.resume();
  }

  private arm(): void {
    clearTimeout(this.timer);
    // A stalled connection is treated as a broken one: resumed on a new connection if it can be.
    this.timer = setTimeout(() => this.interrupted(`no data for ${this.o.idleMs} ms`), this.o.idleMs);
  }

  private onChunk(chunk: Buffer): void {
    if (this.destroyed) return;
    clearTimeout(this.timer);
    if (this.skip > 0) {
      // Re-sent bytes of a whole-blob answer to a resume: counted, not hashed twice.
      const drop = Math.min(this.skip, chunk.length);
      this.skip -= drop;
      this.received += drop;
      chunk = chunk.subarray(drop);
      if (chunk.length === 0) {
        this.arm();
        return;
      }
    }
    this.received += chunk.length;
    if (this.o.size !== undefined && this.received > this.o.size) {
      this.destroy(new UserError("DIGEST_MISMATCH", `${this.o.label}: more bytes than the ${this.o.size} its descriptor declares`));
      return;
    }
    this.hash.update(chunk);
    this.o.onBytes?.(this.received);
    if (this.push(chunk)) this.arm();
    else this.res.pause();
  }

  private onEnd(): void {
    this.ended = true;
    clearTimeout(this.timer);
    if (this.destroyed) return;
    const actual = `${this.o.digest.slice(0, this.o.digest.indexOf(":"))}:${this.hash.digest("hex")}`;
    if (actual !== this.o.digest) {
      this.destroy(new UserError(
        "DIGEST_MISMATCH",
        `${this.o.label}: content hashes to ${actual} (${this.received} bytes), not the expected digest`,
      ));
      return;
    }
    this.o.onDone?.();
    this.push(null);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    clearTimeout(this.timer);
    if (!this.ended) this.res.destroy();
    cb(err);
  }
}

export interface BlobRequest {
  repository: string;
  digest: string;
  size?: number;
  /** "layer", "config", … for messages. */
  kind: string;
}

/**
 * GET /v2/<repo>/blobs/<digest>, checking the status; the caller consumes the body. From
 * `offset` on, a Range request: the answer is 206 (the rest) or 200 (the whole blob).
 */
export async function getBlob(client: RegistryClient, b: BlobRequest, offset = 0): Promise<IncomingMessage> {
  const res = await client.request({
    method: "GET",
    target: `/v2/${b.repository}/blobs/${b.digest}`,
    repository: b.repository,
    ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
  });
  if (res.statusCode === 200 || (offset > 0 && res.statusCode === 206)) return res;
  if (res.statusCode === 404) {
    discard(res);
    throw new UserError("NOT_FOUND", `blob unknown: ${b.kind} ${b.digest} is missing from ${client.registry}/${b.repository}`);
  }
  throw await client.failure(res, `fetching ${b.kind} ${b.digest} from ${client.registry}/${b.repository}`);
}

export async function openBlob(
  client: RegistryClient,
  b: BlobRequest,
  hooks: Pick<VerifyOptions, "onBytes" | "onDone"> = {},
): Promise<Readable> {
  const res = await getBlob(client, b);
  return new VerifiedBlobStream(res, {
    digest: b.digest,
    ...(b.size !== undefined ? { size: b.size } : {}),
    idleMs: client.timeouts.idleMs,
    label: `${b.kind} ${b.digest} of ${client.registry}/${b.repository}`,
    reopen: (offset) => getBlob(client, b, offset),
    ...hooks,
  });
}
