import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sendHalfThenReset, startServer, type Handler, type TestServer } from "../../test/vulndb/http-server.js";
import { httpDownload, httpText } from "./http.js";

let dir: string;
let server: TestServer | undefined;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "bw-http-"))));
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const fast = { retries: 2, retryDelayMs: 1 };

/** Serves `steps[i]` for the i-th request (the last one repeats). */
async function serve(...steps: Handler[]): Promise<string> {
  let i = 0;
  server = await startServer((req, res) => steps[Math.min(i++, steps.length - 1)]!(req, res));
  return `${server.url}/x`;
}
const status =
  (code: number, body = ""): Handler =>
  (_q, res) =>
    res.writeHead(code).end(body);
const ok = (body: string | Buffer): Handler => (_q, res) => res.writeHead(200, { "content-length": Buffer.byteLength(body) }).end(body);

describe("httpText", () => {
  it("retries 429 and 5xx with backoff, then succeeds", async () => {
    const url = await serve(status(503), status(429), ok("hello"));
    expect(await httpText(url, 100, fast)).toBe("hello");
    expect(server!.requests).toHaveLength(3);
  });

  it("gives up after the retries with a NETWORK error naming the URL", async () => {
    const url = await serve(status(500));
    await expect(httpText(url, 100, fast)).rejects.toMatchObject({ code: "NETWORK", message: expect.stringContaining(`GET ${url} failed after 3 attempts: HTTP 500`) });
    expect(server!.requests).toHaveLength(3);
  });

  it("does not retry 404 (NOT_FOUND) or 403 (NETWORK)", async () => {
    let url = await serve(status(404));
    await expect(httpText(url, 100, fast)).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining(url) });
    expect(server!.requests).toHaveLength(1);
    await server!.close();
    url = await serve(status(403));
    await expect(httpText(url, 100, fast)).rejects.toMatchObject({ code: "NETWORK", message: expect.stringMatching(/HTTP 403/) });
    expect(server!.requests).toHaveLength(1);
  });

  it("times out a server that never answers", async () => {
    const url = await serve(() => undefined);
    await expect(httpText(url, 100, { retries: 1, retryDelayMs: 1, timeoutMs: 100 })).rejects.toMatchObject({ code: "NETWORK", message: expect.stringMatching(/timed out/) });
  });

  it("enforces the size limit", async () => {
    const url = await serve(ok("x".repeat(1000)));
    await expect(httpText(url, 100, fast)).rejects.toMatchObject({ code: "LIMIT" });
  });

  it("fails cleanly when the connection is refused", async () => {
    const url = await serve(ok(""));
    await server!.close();
    server = undefined;
    await expect(httpText(url, 100, fast)).rejects.toMatchObject({ code: "NETWORK", message: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe("httpDownload", () => {
  it("retries a body cut off midway and keeps only the complete download", async () => {
    const body = Buffer.alloc(256 * 1024, 7);
    const url = await serve((_q, res) => sendHalfThenReset(res, body), ok(body));
    const dest = join(dir, "f");
    expect(await httpDownload(url, dest, 2 ** 20, fast)).toBe(body.length);
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(server!.requests).toHaveLength(2);
  });

  it("aborts a download that stalls", async () => {
    const url = await serve((_q, res) => {
      res.writeHead(200, { "content-length": 100 });
      res.write("x");
    });
    await expect(httpDownload(url, join(dir, "f"), 1000, { retries: 0, idleTimeoutMs: 100 })).rejects.toMatchObject({ code: "NETWORK", message: expect.stringMatching(/timed out/) });
  });
});
