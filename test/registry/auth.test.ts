import { describe, expect, it } from "vitest";
import { Authorizer, type TokenRequest } from "../../src/image/registry/auth.js";
import { RegistryClient, isLoopbackHost, redactUrl } from "../../src/image/registry/client.js";
import type { Credentials } from "../../src/image/registry/credentials.js";

function authorizer(creds: Credentials | undefined, reply: (r: TokenRequest) => { status: number; body: unknown }, plain = false) {
  const seen: TokenRequest[] = [];
  const a = new Authorizer({
    registry: "reg.example",
    loadCredentials: async () => creds,
    transport: async (r) => {
      seen.push(r);
      const { status, body } = reply(r);
      return { status, body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)) };
    },
    plainHttpAllowed: () => plain,
  });
  return { a, seen };
}

describe("Authorizer", () => {
  it("sends nothing before a challenge, then Basic credentials after a Basic one", async () => {
    const { a } = authorizer({ username: "u", password: "p" }, () => ({ status: 500, body: "" }));
    expect(await a.authorize("r", "pull")).toEqual({ credentialed: false });
    expect(await a.learn('Basic realm="x"', "r", "pull")).toBe(true);
    expect(await a.authorize("r", "pull")).toEqual({ header: "Basic " + Buffer.from("u:p").toString("base64"), credentialed: true });
  });

  it("does not retry a Basic challenge without credentials", async () => {
    const { a } = authorizer(undefined, () => ({ status: 500, body: "" }));
    expect(await a.learn('Basic realm="x"', "r", "pull")).toBe(false);
    expect(await a.learn("Unknown stuff", "r", "pull")).toBe(false);
  });

  it("exchanges an identity token with an OAuth2 POST", async () => {
    const { a, seen } = authorizer({ identityToken: "refresh-xyz" }, () => ({ status: 200, body: { access_token: "acc" } }));
    await a.learn('Bearer realm="https://auth.example/token",service="svc"', "team/app", "pull,push");
    expect(await a.authorize("team/app", "pull,push")).toEqual({ header: "Bearer acc", credentialed: true });
    expect(seen[0]!.method).toBe("POST");
    const form = new URLSearchParams(seen[0]!.body!.toString());
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: "refresh_token", refresh_token: "refresh-xyz", service: "svc", scope: "repository:team/app:pull,push" });
  });

  it("caches tokens per scope, shares parallel fetches, and adds the registry's own scope", async () => {
    let n = 0;
    const { a, seen } = authorizer(undefined, () => ({ status: 200, body: { token: `t${++n}` } }));
    await a.learn('Bearer realm="https://auth.example/token",scope="repository:a/b:pull,push"', "a/b", "pull");
    const headers = await Promise.all([a.authorize("a/b", "pull"), a.authorize("a/b", "pull"), a.authorize("a/b", "pull")]);
    expect(headers.map((h) => h.header)).toEqual(["Bearer t1", "Bearer t1", "Bearer t1"]);
    expect(seen[0]!.url.searchParams.getAll("scope")).toEqual(["repository:a/b:pull", "repository:a/b:pull,push"]);
    expect((await a.authorize("c/d", "pull")).header).toBe("Bearer t2");
    expect(seen[1]!.url.searchParams.getAll("scope")).toEqual(["repository:c/d:pull"]);
    expect(seen).toHaveLength(2);
  });

  it("refuses to send credentials to a plain-HTTP realm of a secure registry", async () => {
    const { a, seen } = authorizer({ username: "u", password: "topsecret" }, () => ({ status: 200, body: { token: "t" } }));
    await a.learn('Bearer realm="http://auth.example/token"', "r", "pull");
    await expect(a.authorize("r", "pull")).rejects.toMatchObject({ code: "AUTH", message: expect.stringContaining("plain HTTP") });
    expect(seen).toHaveLength(0);
  });

  it("reports token server refusals and bad answers as AUTH, never with the secret", async () => {
    for (const [status, body] of [[401, ""], [200, "not json"], [200, { nothing: 1 }], [404, ""]] as const) {
      const { a } = authorizer({ username: "u", password: "topsecret" }, () => ({ status, body }));
      await a.learn('Bearer realm="https://auth.example/token"', "r", "pull");
      const err = await a.authorize("r", "pull").catch((e: Error & { code: string }) => e);
      expect(err).toMatchObject({ code: "AUTH" });
      expect((err as Error).message).not.toContain("topsecret");
    }
  });
});

describe("client basics", () => {
  it("knows loopback hosts", () => {
    for (const h of ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "LOCALHOST"]) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["example.com", "10.0.0.1", "localhost.example.com", "[::2]"]) expect(isLoopbackHost(h)).toBe(false);
  });

  it("uses HTTPS for other registries without probing", async () => {
    const c = new RegistryClient("registry.example.com:5000");
    expect((await c.baseUrl()).href).toBe("https://registry.example.com:5000/");
    c.close();
  });

  it("falls back to HTTP on loopback when HTTPS does not answer", async () => {
    const c = new RegistryClient("127.0.0.1:9");
    expect((await c.baseUrl()).protocol).toBe("http:");
    c.close();
  });

  it("redacts query strings from logged URLs", () => {
    expect(redactUrl(new URL("https://s3.example/bucket/blob?X-Amz-Signature=abc&token=1"))).toBe("https://s3.example/bucket/blob");
  });
});

describe("insecure registries", () => {
  it("probes HTTPS then falls back to HTTP only when insecure is set", async () => {
    // TEST-NET-1 never answers: the probe fails (fast, with a short connect timeout).
    const insecure = new RegistryClient("192.0.2.1:5000", { insecure: true, timeouts: { connectMs: 50 } });
    expect((await insecure.baseUrl()).protocol).toBe("http:");
    insecure.close();
    const secure = new RegistryClient("192.0.2.1:5000", { timeouts: { connectMs: 50 } });
    expect((await secure.baseUrl()).protocol).toBe("https:");
    secure.close();
  });
});
