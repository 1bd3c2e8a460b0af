import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { expect } from "vitest";
import type { Image } from "../../src/image/types.js";
import type { BuiltImage } from "../support/image-builder.js";

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export const sha = (b: Buffer): string => "sha256:" + createHash("sha256").update(b).digest("hex");

/** Reads every layer of `image` and checks it against what was built. */
export async function expectSameImage(image: Image, built: BuiltImage): Promise<void> {
  expect(image.type).toBe("registry");
  expect(image.configDigest).toBe(built.config.digest);
  expect(image.layers).toHaveLength(built.layers.length);
  for (const [i, layer] of image.layers.entries()) {
    const want = built.layers[i]!;
    expect(layer.digest).toBe(want.digest);
    expect(layer.diffId).toBe(want.diffId);
    expect(layer.size).toBe(want.bytes.length);
    expect(layer.createdBy).toBe(built.spec.layers[i]!.createdBy);
    const bytes = await readAll(await layer.open());
    expect(sha(bytes)).toBe(want.digest);
    expect(sha(gunzipSync(bytes))).toBe(want.diffId);
  }
}

export async function caught(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}
