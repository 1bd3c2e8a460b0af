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
}

/**
 * Pulls from the response only while the consumer wants data (so parallel streams never buffer
 * whole blobs), and times out only while waiting on the network, not on a slow consumer.
 */
export class VerifiedBlobStream extends Readable {
  private readonly hash: Hash;
  private received = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly res: IncomingMessage, private readonly o: VerifyOptions) {
    super();
    this.hash = hasherFor(o.digest);
    res.pause(); // before adding 'data', so the listener does not start the flow
    res.on("data", (chunk: Buffer) => this.onChunk(chunk));
    res.on("end", () => this.onEnd());
    res.on("error", (e) => this.destroy(new UserError("NETWORK", `${o.label}: download failed: ${e.message}`)));
    res.on("close", () => {
      if (!this.ended) this.destroy(new UserError("NETWORK", `${o.label}: connection closed before the blob was complete`));
    });
  }

  override _read(): void {
    this.arm();
    this.res.resume();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.destroy(new UserError("NETWORK", `${this.o.label}: no data for ${this.o.idleMs} ms`));
    }, this.o.idleMs);
  }

  private onChunk(chunk: Buffer): void {
    if (this.destroyed) return;
    clearTimeout(this.timer);
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

/** GET /v2/<repo>/blobs/<digest>, checking the status; the caller consumes the body. */
export async function getBlob(client: RegistryClient, b: BlobRequest): Promise<IncomingMessage> {
  const res = await client.request({ method: "GET", target: `/v2/${b.repository}/blobs/${b.digest}`, repository: b.repository });
  if (res.statusCode === 200) return res;
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
    ...hooks,
  });
}
