import { describe, expect, it } from "vitest";
import { formatPlatform, parseManifest, selectPlatform, type Descriptor } from "../../src/image/registry/manifest.js";

const d = (n: number): string => "sha256:" + String(n).repeat(64).slice(0, 64);
const entry = (n: number, os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  digest: d(n),
  size: 100,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe("parseManifest", () => {
  const config = { mediaType: "application/vnd.oci.image.config.v1+json", digest: d(1), size: 2 };
  it("recognises image manifests and indexes by mediaType, Content-Type or shape", () => {
    expect(parseManifest(json({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers: [] }), undefined, "x").kind).toBe("image");
    expect(parseManifest(json({ schemaVersion: 2, config, layers: [] }), "application/vnd.oci.image.manifest.v1+json; charset=utf-8", "x").kind).toBe("image");
    expect(parseManifest(json({ schemaVersion: 2, manifests: [] }), undefined, "x").kind).toBe("index");
    expect(parseManifest(json({ schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.list.v2+json", manifests: [entry(2, "linux", "amd64")] }), undefined, "x"))
      .toMatchObject({ kind: "index", manifests: [{ digest: d(2) }] });
  });

  it("refuses schema 1, artifacts, junk and malformed descriptors", () => {
    expect(() => parseManifest(json({ schemaVersion: 1, fsLayers: [] }), "application/json", "x")).toThrow(expect.objectContaining({ code: "UNSUPPORTED" }));
    expect(() => parseManifest(json({}), "application/vnd.docker.distribution.manifest.v1+prettyjws", "x")).toThrow(expect.objectContaining({ code: "UNSUPPORTED" }));
    expect(() => parseManifest(json({ schemaVersion: 2, config: { ...config, mediaType: "application/vnd.cncf.helm.config.v1+json" }, layers: [] }), undefined, "x"))
      .toThrow(expect.objectContaining({ code: "UNSUPPORTED", message: expect.stringContaining("not a container image") }));
    expect(() => parseManifest(Buffer.from("not json"), undefined, "x")).toThrow(expect.objectContaining({ code: "INPUT" }));
    expect(() => parseManifest(json([1]), undefined, "x")).toThrow(expect.objectContaining({ code: "INPUT" }));
    expect(() => parseManifest(json({ schemaVersion: 2, config, layers: [{ digest: "sha256:zz", size: 1 }] }), undefined, "x")).toThrow(expect.objectContaining({ code: "INPUT" }));
    expect(() => parseManifest(json({ schemaVersion: 2, config: { ...config, size: -1 }, layers: [] }), undefined, "x")).toThrow(expect.objectContaining({ code: "INPUT" }));
    expect(() => parseManifest(json({ schemaVersion: 2, mediaType: "text/plain" }), undefined, "x")).toThrow(expect.objectContaining({ code: "UNSUPPORTED" }));
  });
});

describe("selectPlatform", () => {
  const index = [
    entry(1, "linux", "amd64"),
    entry(2, "linux", "arm", "v6"),
    entry(3, "linux", "arm", "v7"),
    entry(4, "linux", "arm64"),
    entry(5, "windows", "amd64"),
    { ...entry(6, "unknown", "unknown"), annotations: { "vnd.docker.reference.type": "attestation-manifest" } },
  ];
  it.each([
    [{ os: "linux", architecture: "amd64" }, 1],
    [{ os: "linux", architecture: "x86_64" }, 1],
    [{ os: "linux", architecture: "arm64" }, 4],
    [{ os: "linux", architecture: "arm64", variant: "v8" }, 4],
    [{ os: "linux", architecture: "aarch64", variant: "8" }, 4],
    [{ os: "linux", architecture: "arm" }, 3],
    [{ os: "linux", architecture: "arm", variant: "v6" }, 2],
    [{ os: "windows", architecture: "amd64" }, 5],
  ])("%j", (want, n) => {
    expect(selectPlatform(index, want, "img").digest).toBe(d(n));
  });

  it("lists the available platforms when none matches", () => {
    for (const want of [{ os: "linux", architecture: "s390x" }, { os: "linux", architecture: "arm64", variant: "v9" }, { os: "linux", architecture: "arm", variant: "v5" }]) {
      expect(() => selectPlatform(index, want, "img")).toThrow(expect.objectContaining({
        code: "NOT_FOUND",
        message: `img has no image for platform ${formatPlatform(want)}; available: linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64, windows/amd64`,
      }));
    }
  });

  it("prefers an explicit v8 arm64 entry over others", () => {
    expect(selectPlatform([entry(7, "linux", "arm64", "v9"), entry(8, "linux", "arm64", "v8")], { os: "linux", architecture: "arm64" }, "x").digest).toBe(d(8));
  });
});
