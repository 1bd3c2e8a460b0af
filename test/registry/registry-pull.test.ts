// Push with our own push code to a real registry (distribution), then pull with openRegistryImage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRegistryImage, pushImage, pushIndex } from "../../src/image/registry/index.js";
import { buildImage, type BuiltImage, type ImageSpec } from "../support/image-builder.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { caught, expectSameImage, readAll } from "./helpers.js";

const skipReason = missingTool("registry push/pull tests", REGISTRY_TOOLS);

const fast = { retry: { baseDelayMs: 5 } };

function spec(arch: string, variant?: string): ImageSpec {
  return {
    architecture: arch,
    ...(variant ? { variant } : {}),
    emptyHistory: ["ENV A=1"],
    layers: [
      { entries: [{ path: "etc/os-release", content: `ID=test\nARCH=${arch}\n` }], createdBy: "ADD rootfs /" },
      { entries: [{ path: "app/", type: "dir" }, { path: "app/run.sh", content: "#!/bin/sh\necho hi\n", mode: 0o755 }], createdBy: "COPY run.sh /app/" },
    ],
  };
}

describe.skipIf(skipReason !== undefined)("pull from a real registry", () => {
  let registry: RegistryServer;
  let oci: BuiltImage;
  let docker: BuiltImage;
  let amd64: BuiltImage;
  let arm64: BuiltImage;
  let indexDigest: string;

  beforeAll(async () => {
    registry = await startRegistry();
    oci = await buildImage(spec("amd64"), "oci");
    docker = await buildImage(spec("amd64"), "docker");
    amd64 = await buildImage({ ...spec("amd64"), layers: [{ entries: [{ path: "amd64", content: "x" }], createdBy: "RUN amd64" }] }, "oci");
    arm64 = await buildImage({ ...spec("arm64", "v8"), layers: [{ entries: [{ path: "arm64", content: "y" }], createdBy: "RUN arm64" }] }, "oci");
    await pushImage(`${registry.host}/bulwark/oci:1`, oci, fast);
    await pushImage(`${registry.host}/bulwark/docker:1`, docker, fast);
    indexDigest = (await pushIndex(`${registry.host}/bulwark/multi:1`, [amd64, arm64], fast)).digest;
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("pulls an OCI manifest image", async () => {
    const ref = `${registry.host}/bulwark/oci:1`;
    const image = await openRegistryImage(ref, fast);
    try {
      expect(image.target).toBe(ref);
      expect(image.names).toEqual([ref]);
      expect(image.digest).toBe(oci.manifest.digest);
      expect(image.platform).toBe("linux/amd64");
      expect(image.config.rootfs?.diff_ids).toEqual(oci.layers.map((l) => l.diffId));
      expect(image.layers[0]!.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
      await expectSameImage(image, oci);
    } finally {
      await image.close();
    }
  });

  it("pulls a Docker v2 schema 2 image", async () => {
    const image = await openRegistryImage(`${registry.host}/bulwark/docker:1`, fast);
    try {
      expect(image.digest).toBe(docker.manifest.digest);
      expect(image.layers[0]!.mediaType).toBe("application/vnd.docker.image.rootfs.diff.tar.gzip");
      await expectSameImage(image, docker);
    } finally {
      await image.close();
    }
  });

  it("picks a platform from an index; amd64 by default", async () => {
    const ref = `${registry.host}/bulwark/multi:1`;
    const byDefault = await openRegistryImage(ref, fast);
    expect(byDefault.platform).toBe("linux/amd64");
    expect(byDefault.digest).toBe(indexDigest);
    await expectSameImage(byDefault, amd64);
    await byDefault.close();

    const arm = await openRegistryImage(ref, { ...fast, platform: { os: "linux", architecture: "arm64", variant: "v8" } });
    expect(arm.platform).toBe("linux/arm64/v8");
    await expectSameImage(arm, arm64);
    await arm.close();

    // arm64 without a variant means v8.
    const armNoVariant = await openRegistryImage(ref, { ...fast, platform: { os: "linux", architecture: "arm64" } });
    expect(armNoVariant.configDigest).toBe(arm64.config.digest);
    await armNoVariant.close();

    const err = await caught(openRegistryImage(ref, { ...fast, platform: { os: "linux", architecture: "s390x" } }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain("linux/s390x");
    expect(err.message).toContain("linux/amd64");
    expect(err.message).toContain("linux/arm64/v8");
  });

  it("refuses a platform a single-platform image does not have", async () => {
    const err = await caught(openRegistryImage(`${registry.host}/bulwark/oci:1`, { ...fast, platform: { os: "linux", architecture: "arm64" } }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain("linux/amd64");
  });

  it("reports a missing tag as NOT_FOUND", async () => {
    const err = await caught(openRegistryImage(`${registry.host}/bulwark/oci:nope`, fast));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe(`manifest unknown: ${registry.host}/bulwark/oci:nope`);
    const repo = await caught(openRegistryImage(`${registry.host}/bulwark/absent:1`, fast));
    expect(repo.code).toBe("NOT_FOUND");
  });

  it("pulls by digest, and by tag@digest (the digest wins)", async () => {
    const byDigest = await openRegistryImage(`${registry.host}/bulwark/oci@${oci.manifest.digest}`, fast);
    expect(byDigest.digest).toBe(oci.manifest.digest);
    expect(byDigest.names).toEqual([`${registry.host}/bulwark/oci@${oci.manifest.digest}`]);
    await expectSameImage(byDigest, oci);
    await byDigest.close();

    const both = await openRegistryImage(`${registry.host}/bulwark/oci:nope@${oci.manifest.digest}`, fast);
    expect(both.configDigest).toBe(oci.config.digest);
    await both.close();

    // A platform manifest inside the index, by its digest.
    const child = await openRegistryImage(`${registry.host}/bulwark/multi@${arm64.manifest.digest}`, fast);
    expect(child.platform).toBe("linux/arm64/v8");
    await child.close();

    const absent = await caught(openRegistryImage(`${registry.host}/bulwark/oci@sha256:${"0".repeat(64)}`, fast));
    expect(absent.code).toBe("NOT_FOUND");
  });

  it("skips blobs that exist when pushing again", async () => {
    const log: string[] = [];
    await pushImage(`${registry.host}/bulwark/oci:2`, oci, { ...fast, log: (l) => log.push(l) });
    expect(log.some((l) => l.startsWith("POST"))).toBe(false);
    expect(log.filter((l) => l.startsWith("HEAD")).length).toBe(oci.layers.length + 1);
  });

  it("streams several layers in parallel", async () => {
    const image = await openRegistryImage(`${registry.host}/bulwark/oci:1`, fast);
    const streams = await Promise.all(image.layers.map((l) => l.open()));
    const bodies = await Promise.all(streams.map((s) => readAll(s)));
    expect(bodies.map((b) => b.length)).toEqual(oci.layers.map((l) => l.bytes.length));
    await image.close();
  });

  it("reports progress", async () => {
    const events: string[] = [];
    const image = await openRegistryImage(`${registry.host}/bulwark/oci:1`, { ...fast, onProgress: (e) => events.push(e.kind) });
    await readAll(await image.layers[0]!.open());
    await image.close();
    expect(events).toContain("resolve");
    expect(events.slice(-3)).toEqual(["layer-start", "layer-bytes", "layer-done"]);
  });
});
