import { describe, expect, it } from "vitest";
import { parseManifest, type Descriptor } from "../../src/image/registry/manifest.js";

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
