import { describe, expect, it } from "vitest";
import { parseReference } from "../image/registry/reference.js";
import { compileGlob, normalizedName, type NameGlob } from "./glob.js";

const glob = (p: string): NameGlob => {
  const g = compileGlob(p);
  if (typeof g === "string") throw new Error(g);
  return g;
};
const name = (ref: string): string => normalizedName(parseReference(ref));

describe("image-name globs", () => {
  it("a host entry matches every repository on that registry, and only that port", () => {
    const g = glob("registry.internal:5000");
    expect(g.test(name("registry.internal:5000/a"))).toBe(true);
    expect(g.test(name("registry.internal:5000/a/b/c:tag"))).toBe(true);
    expect(g.test(name("registry.internal/a"))).toBe(false);
    expect(g.test(name("registry.internal:50001/a"))).toBe(false);
    expect(g.test(name("evil.com/registry.internal:5000/a".replace(":5000", "")))).toBe(false);
  });

  it("* stays within a segment, ** crosses segments", () => {
    const one = glob("ghcr.io/acme/*");
    expect(one.test(name("ghcr.io/acme/app:1"))).toBe(true);
    expect(one.test(name("ghcr.io/acme/team/app"))).toBe(false);
    expect(one.test(name("ghcr.io/acmecorp/app"))).toBe(false);
    expect(one.test(name("ghcr.io.evil.com/acme/app"))).toBe(false);
    const deep = glob("ghcr.io/acme/**");
    expect(deep.test(name("ghcr.io/acme/team/app"))).toBe(true);
    expect(deep.test(name("ghcr.io/acme/app"))).toBe(true);
    expect(deep.test(name("ghcr.io/acme"))).toBe(false);
    const part = glob("ghcr.io/acme/app-*");
    expect(part.test(name("ghcr.io/acme/app-web"))).toBe(true);
    expect(part.test(name("ghcr.io/acme/web"))).toBe(false);
  });

  it("Docker Hub is docker.io with library/ for official images, however it is spelled", () => {
    expect(name("nginx")).toBe("docker.io/library/nginx");
    expect(glob("docker.io/nginx").normalized).toBe("docker.io/library/nginx");
    expect(glob("index.docker.io/*").test(name("nginx:1.27"))).toBe(true);
    expect(glob("docker.io/*").test(name("bitnami/nginx"))).toBe(false);
    expect(glob("docker.io/bitnami/*").test(name("bitnami/nginx"))).toBe(true);
    expect(glob("docker.io").test(name("bitnami/nginx"))).toBe(true);
  });

  it("dots are literal", () => {
    expect(glob("a.io/x.y").test("a.io/xzy")).toBe(false);
    expect(glob("a.io/x.y").test("a.io/x.y")).toBe(true);
  });

  it("says what is wrong with a bad glob", () => {
    expect(compileGlob("")).toMatch(/empty/);
    expect(compileGlob("ghcr.io/acme/*:latest")).toMatch(/tags are not part/);
    expect(compileGlob("ghcr.io/acme@sha256:00")).toMatch(/digests/);
    expect(compileGlob("*.ghcr.io/acme")).toMatch(/wildcards are allowed only in the path/);
    expect(compileGlob("ghcr.io//x")).toMatch(/empty path segment/);
    expect(compileGlob("ghcr.io/[ab]")).toMatch(/invalid characters/);
    expect(compileGlob("ghcr.io:99999/x")).toMatch(/invalid port/);
  });
});
