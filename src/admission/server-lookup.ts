// The Bulwark server as a source of image inventories for the webhook: before scanning an image
// itself, the webhook asks the server for what it stored for that digest (`GET
// /api/v1/images/{digest}/sbom`, CycloneDX from the stored inventory, reader role). The webhook
// then matches that inventory against its own advisory database, without pulling the image's
// layers. A short timeout keeps the lookup well inside the webhook's answer budget; anything but a
// 200 (404: the server never saw the image; 5xx, timeouts, refused connections) falls back to the
// webhook's own scan.

export interface ServerLookupOptions {
  /** The server's base URL (http:// or https://). */
  url: string;
  /** A reader (or higher) API token. Never logged. */
  token: string;
  /** Per lookup (default 1.5 s). */
  timeoutMs?: number;
  /** Largest answer read (default 32 MiB). */
  maxBytes?: number;
}

/** `undefined`: the server does not have the image (404); throws on other failures (callers fall back). */
export type InventoryLookup = (name: string, digest: string) => Promise<string | undefined>;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function serverInventoryLookup(opts: ServerLookupOptions): InventoryLookup {
  const base = new URL(opts.url.endsWith("/") ? opts.url : `${opts.url}/`);
  const timeoutMs = opts.timeoutMs ?? 1500;
  const maxBytes = opts.maxBytes ?? 32 * 2 ** 20;
  return async (_name, digest) => {
    if (!DIGEST.test(digest)) return undefined;
    const url = new URL(`api/v1/images/${digest}/sbom?format=cyclonedx-json`, base);
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${opts.token}`, accept: "application/vnd.cyclonedx+json, application/json" }, signal });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new Error(`server lookup ${url.origin}: ${signal.aborted ? `no answer within ${timeoutMs} ms` : (cause ?? (e as Error).message)}`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`server lookup ${url.origin}: HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get("content-length") ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel();
      throw new Error(`server lookup ${url.origin}: answer larger than ${maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += c.length;
        if (size > maxBytes) throw new Error(`answer larger than ${maxBytes} bytes`);
        chunks.push(c);
      }
    } catch (e) {
      throw new Error(`server lookup ${url.origin}: ${signal.aborted ? `no answer within ${timeoutMs} ms` : (e as Error).message}`);
    }
    return Buffer.concat(chunks).toString("utf8");
  };
}
