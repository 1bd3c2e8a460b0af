import { PackageURL } from "packageurl-js";
import { describe, expect, it } from "vitest";
import type { Artifact } from "../../model/index.js";
import { imagePurl, parseImageReference } from "./image-purl.js";

const digest = `sha256:${"a".repeat(64)}`;
const artifact = (over: Partial<Artifact>): Artifact => ({ target: "x", type: "registry", os: null, layers: [], ...over });

describe("parseImageReference", () => {
  it.each([
    ["debian:12", { repositoryUrl: "docker.io/library/debian", name: "debian", tag: "12" }],
    ["bitnami/redis", { repositoryUrl: "docker.io/bitnami/redis", name: "redis" }],
    ["ghcr.io/org/team/app:v1.2@" + digest, { repositoryUrl: "ghcr.io/org/team/app", name: "app", tag: "v1.2" }],
    ["localhost:5000/app", { repositoryUrl: "localhost:5000/app", name: "app" }],
  ])("parses %s", (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  it.each(["./image.tar", "/tmp/x.tar", "Upper/Case", "app:bad tag"])("rejects %s", (text) => {
    expect(parseImageReference(text)).toBeUndefined();
  });
});

describe("imagePurl", () => {
  it("needs a digest", () => {
    expect(imagePurl(artifact({ target: "debian:12" }))).toBeUndefined();
  });

  it("builds pkg:oci with repository_url, tag and arch", () => {
    const purl = imagePurl(artifact({ target: "debian:12", digest, platform: "linux/arm64/v8" }))!;
    const parsed = PackageURL.fromString(purl);
    expect(parsed.type).toBe("oci");
    expect(parsed.name).toBe("debian");
    expect(parsed.version).toBe(digest);
    expect(parsed.qualifiers).toEqual({ arch: "arm64", repository_url: "docker.io/library/debian", tag: "12" });
  });

  it("uses repo tags for archives and the file name as a last resort", () => {
    const tagged = imagePurl(artifact({ target: "/tmp/app.tar", type: "docker-archive", digest, names: ["myorg/app:2"] }))!;
    expect(PackageURL.fromString(tagged).qualifiers?.repository_url).toBe("docker.io/myorg/app");
    const bare = imagePurl(artifact({ target: "/tmp/My-App.tar.gz", type: "docker-archive", digest }))!;
    expect(PackageURL.fromString(bare).name).toBe("my-app");
  });
});
