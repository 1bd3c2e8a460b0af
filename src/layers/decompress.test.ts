import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { missingTool } from "../../test/support/tools.js";
import { layerTarStream, type LayerStreamResult } from "./decompress.js";

const sha = (b: Buffer): string => "sha256:" + createHash("sha256").update(b).digest("hex");

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += 65536) yield b.subarray(i, i + 65536);
}

async function drain(blob: Buffer, check: Parameters<typeof layerTarStream>[1]): Promise<{ out: Buffer; status: LayerStreamResult }> {
  const status: LayerStreamResult = { compression: "none", digest: "", uncompressedBytes: 0 };
  const chunks: Buffer[] = [];
  for await (const c of layerTarStream(once(blob), check, status)) chunks.push(c);
  return { out: Buffer.concat(chunks), status };
}

describe("layerTarStream", () => {
  const plain = Buffer.from("tar bytes ".repeat(10_000));

  it("passes plain tar through and checks the diffID", async () => {
    const { out, status } = await drain(plain, { diffId: sha(plain) });
    expect(out.equals(plain)).toBe(true);
    expect(status.compression).toBe("none");
    await expect(drain(plain, { diffId: sha(Buffer.from("other")) })).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
  });

  it("gunzips and verifies the blob digest", async () => {
    const gz = gzipSync(plain);
    const { out, status } = await drain(gz, { digest: sha(gz) });
    expect(out.equals(plain)).toBe(true);
    expect(status).toMatchObject({ compression: "gzip", digest: sha(gz), uncompressedBytes: plain.length });
    await expect(drain(gz, { digest: sha(plain) })).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
  });

  it.skipIf(missingTool("zstd decompression test", "zstd") !== undefined)("decompresses zstd made by the zstd tool", async () => {
    const zst = execFileSync("zstd", ["-q", "-c"], { input: plain });
    const { out, status } = await drain(zst, { digest: sha(zst) });
    expect(status.compression).toBe("zstd");
    expect(out.equals(plain)).toBe(true);
  });

  it("reports corrupt gzip as input errors", async () => {
    const gz = gzipSync(plain);
    await expect(drain(gz.subarray(0, gz.length / 2), {})).rejects.toMatchObject({ code: "INPUT" });
    const bad = Buffer.from(gz);
    bad[20] = bad[20]! ^ 0xff;
    bad[40] = bad[40]! ^ 0xff;
    await expect(drain(bad, {})).rejects.toBeTruthy();
  });

  it("stops a gzip bomb at the expansion limit without buffering it", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 2 ** 20), { level: 9 });
    const limits = { maxUncompressed: 2 ** 40, maxRatio: 100, ratioFloor: 8 * 2 ** 20 };
    const before = process.memoryUsage().rss;
    await expect(drain(bomb, { limits })).rejects.toMatchObject({ code: "LIMIT" });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
    await expect(drain(bomb, { limits: { maxUncompressed: 2 ** 20, maxRatio: 1e9, ratioFloor: 0 } })).rejects.toMatchObject({ code: "LIMIT" });
  });
});
