import { describe, expect, it } from "vitest";
import { parseChallenges } from "../../src/image/registry/challenge.js";

describe("parseChallenges", () => {
  it("parses a Docker Hub bearer challenge", () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'))
      .toEqual([{ scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/nginx:pull" } }]);
  });

  it("keeps commas and escaped quotes inside quoted values", () => {
    const [c] = parseChallenges('Bearer realm="https://a/token", scope="repository:foo/bar:pull,push", error="say \\"hi\\""');
    expect(c!.params).toEqual({ realm: "https://a/token", scope: "repository:foo/bar:pull,push", error: 'say "hi"' });
  });

  it("parses Basic, case-insensitive schemes and names, unquoted values, spaces", () => {
    expect(parseChallenges('basic Realm="Registry Realm"')).toEqual([{ scheme: "basic", params: { realm: "Registry Realm" } }]);
    expect(parseChallenges("BEARER realm = https://x/t , service = svc")).toEqual([
      { scheme: "bearer", params: { realm: "https://x/t", service: "svc" } },
    ]);
  });

  it("splits several challenges in one header (Node joins repeats with a comma)", () => {
    expect(parseChallenges('Bearer realm="https://a,b/token",service="s", Basic realm="r"')).toEqual([
      { scheme: "bearer", params: { realm: "https://a,b/token", service: "s" } },
      { scheme: "basic", params: { realm: "r" } },
    ]);
    expect(parseChallenges(['Bearer realm="x"', 'Basic realm="y"']).map((c) => c.scheme)).toEqual(["bearer", "basic"]);
  });

  it("tolerates token68, bare schemes and junk", () => {
    expect(parseChallenges("Negotiate abc==, Basic realm=\"r\"")).toEqual([
      { scheme: "negotiate", params: {} },
      { scheme: "basic", params: { realm: "r" } },
    ]);
    expect(parseChallenges("Basic")).toEqual([{ scheme: "basic", params: {} }]);
    expect(parseChallenges("")).toEqual([]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('Bearer realm="unterminated')).toEqual([{ scheme: "bearer", params: { realm: "unterminated" } }]);
    expect(() => parseChallenges("@@@ ,,, ===")).not.toThrow();
  });
});
