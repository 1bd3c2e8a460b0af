import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { formatReference, parseReference } from "../../src/image/registry/reference.js";

const D = "sha256:" + "a".repeat(64);
const D512 = "sha512:" + "b".repeat(128);

describe("parseReference", () => {
  it.each([
    ["nginx", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "latest" }],
    ["nginx:1.25", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "1.25" }],
    ["library/nginx", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "latest" }],
    ["bitnami/redis:7.2", { registry: "registry-1.docker.io", repository: "bitnami/redis", tag: "7.2" }],
    ["docker.io/nginx", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "latest" }],
    ["docker.io/library/nginx:alpine", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "alpine" }],
    ["index.docker.io/nginx", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "latest" }],
    ["index.docker.io/foo/bar:x", { registry: "registry-1.docker.io", repository: "foo/bar", tag: "x" }],
    ["registry-1.docker.io/nginx", { registry: "registry-1.docker.io", repository: "library/nginx", tag: "latest" }],
    ["ghcr.io/owner/app:v1.2.3", { registry: "ghcr.io", repository: "owner/app", tag: "v1.2.3" }],
    ["quay.io/a/b/c/d", { registry: "quay.io", repository: "a/b/c/d", tag: "latest" }],
    ["localhost/app", { registry: "localhost", repository: "app", tag: "latest" }],
    ["localhost:5000/app:dev", { registry: "localhost:5000", repository: "app", tag: "dev" }],
    ["127.0.0.1:5000/ns/app", { registry: "127.0.0.1:5000", repository: "ns/app", tag: "latest" }],
    ["[::1]:5000/app:1", { registry: "[::1]:5000", repository: "app", tag: "1" }],
    ["[fe80::1]/app", { registry: "[fe80::1]", repository: "app", tag: "latest" }],
    ["myhost:5000/app", { registry: "myhost:5000", repository: "app", tag: "latest" }],
    ["Registry.Example.COM/app", { registry: "registry.example.com", repository: "app", tag: "latest" }],
    ["example.com/a.b/c_d/e__f/g-h/i--j", { registry: "example.com", repository: "a.b/c_d/e__f/g-h/i--j", tag: "latest" }],
    [`nginx@${D}`, { registry: "registry-1.docker.io", repository: "library/nginx", digest: D }],
    [`nginx:1.25@${D}`, { registry: "registry-1.docker.io", repository: "library/nginx", tag: "1.25", digest: D }],
    [`localhost:5000/app@${D512}`, { registry: "localhost:5000", repository: "app", digest: D512 }],
    ["app:_under", { registry: "registry-1.docker.io", repository: "library/app", tag: "_under" }],
    ["app:" + "t".repeat(128), { registry: "registry-1.docker.io", repository: "library/app", tag: "t".repeat(128) }],
    // A single host-looking name with a port-like suffix is a tag, as in Docker.
    ["localhost:5000", { registry: "registry-1.docker.io", repository: "library/localhost", tag: "5000" }],
  ])("%s", (input, want) => {
    expect(parseReference(input)).toEqual(want);
  });

  it.each([
    ["", "empty"],
    ["Nginx", "lowercase"],
    ["docker.io/Library/nginx", "lowercase"],
    ["nginx:", "invalid tag"],
    ["nginx:.hidden", "invalid tag"],
    ["nginx:-x", "invalid tag"],
    // "nginx:a" looks like host:port, as Docker reads it.
    ["nginx:a/b", "invalid registry port"],
    ["nginx:" + "t".repeat(129), "invalid tag"],
    ["nginx@sha256:abc", "64 hex"],
    ["nginx@sha256:" + "A".repeat(64), "lowercase"],
    ["nginx@md5:" + "a".repeat(32), "unsupported digest algorithm"],
    ["nginx@" + "a".repeat(64), "algorithm:hex"],
    ["nginx@", "algorithm:hex"],
    ["ex ample/app", "whitespace"],
    ["https://ghcr.io/a/b", "URL scheme"],
    ["ghcr.io//app", "empty component"],
    ["ghcr.io/app/", "empty component"],
    ["ghcr.io/-app", "invalid repository path component"],
    ["ghcr.io/app_", "invalid repository path component"],
    ["ghcr.io/a..b", "invalid repository path component"],
    ["ghcr.io/a___b", "invalid repository path component"],
    ["host:99999/app", "invalid registry port"],
    ["host:port/app", "invalid registry port"],
    ["-bad.com/app", "invalid registry host"],
    ["[::1/app", "invalid IPv6"],
    [":tag", "missing"],
    ["a/" + "b".repeat(260), "longer than 255"],
  ])("rejects %j", (input, why) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe("USAGE");
    expect((err as UserError).message).toContain(`"${input}"`);
    expect((err as UserError).message).toContain(why);
  });
});

describe("formatReference", () => {
  it.each([
    ["nginx", "docker.io/library/nginx:latest"],
    ["ghcr.io/a/b:1", "ghcr.io/a/b:1"],
    [`nginx@${D}`, `docker.io/library/nginx@${D}`],
    [`localhost:5000/a:t@${D}`, `localhost:5000/a:t@${D}`],
  ])("%s → %s", (input, want) => {
    expect(formatReference(parseReference(input))).toBe(want);
  });
});
