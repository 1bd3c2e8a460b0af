import { describe, expect, it } from "vitest";
import { AuditContext, isRegistryAnswer, parseRegistry } from "./context.js";
import type { ProbeResponse } from "./http.js";

describe("parseRegistry", () => {
  it("probes both schemes on the given port, or on 443 and 80", () => {
    const t = parseRegistry("registry.example.com:5000");
    expect([t.httpsUrl.href, t.httpUrl.href, t.name, t.preferred]).toEqual(["https://registry.example.com:5000/", "http://registry.example.com:5000/", "registry.example.com:5000", undefined]);
    const bare = parseRegistry("registry.example.com");
    expect([bare.httpsUrl.href, bare.httpUrl.href]).toEqual(["https://registry.example.com/", "http://registry.example.com/"]);
    expect(parseRegistry("http://127.0.0.1:5000/v2/").preferred).toBe("http");
    expect(new AuditContext("127.0.0.1:1", { repo: "team/my-app__x:v1.0" })).toBeInstanceOf(AuditContext);
    expect(parseRegistry("HTTPS://Reg.Example:443").httpsUrl.href).toBe("https://reg.example/");
    const v6 = parseRegistry("[::1]:5000");
    expect([v6.hostname, v6.httpsUrl.href]).toEqual(["[::1]", "https://[::1]:5000/"]);
  });

  it("refuses paths, credentials and empty names", () => {
    for (const bad of ["", "  ", "host/path", "https://user:pw@host", "host?x=1", "ftp://host", "https://"]) {
      expect(() => parseRegistry(bad), bad).toThrow(/expected HOST\[:PORT\]/);
    }
  });
});

describe("isRegistryAnswer", () => {
  const res = (status: number, headers: Record<string, string>, body = ""): ProbeResponse => ({ url: new URL("http://h/v2/"), method: "GET", status, headers, body: Buffer.from(body), truncated: false });
  it("wants 200/401 with the API header, a challenge, or an empty JSON object", () => {
    expect(isRegistryAnswer(res(200, { "docker-distribution-api-version": "registry/2.0" }))).toBe(true);
    expect(isRegistryAnswer(res(401, { "www-authenticate": 'Bearer realm="https://auth/token"' }))).toBe(true);
    expect(isRegistryAnswer(res(200, {}, "{}"))).toBe(true);
    expect(isRegistryAnswer(res(200, {}, "<html>welcome</html>"))).toBe(false);
    expect(isRegistryAnswer(res(400, {}, "Client sent an HTTP request to an HTTPS server."))).toBe(false);
    expect(isRegistryAnswer(res(301, { location: "https://h/v2/" }))).toBe(false);
  });
});

describe("--repo", () => {
  it("refuses names that are not repository names before any request", () => {
    for (const bad of ["../../v2/_catalog", "Team/App", "team/app?x=1", "team/app:bad tag", "a//b"]) {
      expect(() => new AuditContext("127.0.0.1:1", { repo: bad }), bad).toThrow(/--repo .*expected a repository NAME/);
    }
  });
});
