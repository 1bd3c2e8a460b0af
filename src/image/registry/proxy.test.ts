import { describe, expect, it } from "vitest";
import { describeProxy, proxyFor } from "./proxy.js";

const at = (url: string, env: Record<string, string>): string | undefined => proxyFor(new URL(url), env)?.href;

describe("proxyFor (Go net/http rules)", () => {
  it("uses HTTPS_PROXY for https and HTTP_PROXY for http, upper case first", () => {
    const env = { HTTPS_PROXY: "http://secure-proxy:3128", http_proxy: "plain-proxy:8080", https_proxy: "http://ignored:1" };
    expect(at("https://ghcr.io/v2/", env)).toBe("http://secure-proxy:3128/");
    // A bare host:port is an HTTP proxy.
    expect(at("http://registry.internal:5000/v2/", env)).toBe("http://plain-proxy:8080/");
    expect(at("https://ghcr.io/v2/", {})).toBeUndefined();
    expect(at("https://ghcr.io/v2/", { HTTPS_PROXY: "  " })).toBeUndefined();
  });

  it("never proxies loopback", () => {
    const env = { HTTPS_PROXY: "http://p:3128", HTTP_PROXY: "http://p:3128" };
    for (const u of ["http://localhost:5000/", "https://127.0.0.1/", "http://127.9.9.9:80/", "https://[::1]:5000/"]) expect(at(u, env), u).toBeUndefined();
  });

  it("honours NO_PROXY: *, domains and subdomains, ports, IPs and CIDRs", () => {
    const env = { HTTPS_PROXY: "http://p:3128", NO_PROXY: "example.com, .corp.internal,*.svc, 10.0.0.0/8, 192.0.2.7, fd00::/8, registry.io:5000" };
    const direct = ["https://example.com/", "https://a.b.example.com/", "https://x.corp.internal/", "https://corp.internal/", "https://api.svc/", "https://10.1.2.3/", "https://192.0.2.7:8443/", "https://[fd00::2]/", "https://registry.io:5000/"];
    for (const u of direct) expect(at(u, env), u).toBeUndefined();
    const proxied = ["https://notexample.com/", "https://ghcr.io/", "https://11.0.0.1/", "https://192.0.2.8/", "https://registry.io/", "https://[fe80::1]/"];
    for (const u of proxied) expect(at(u, env), u).toBe("http://p:3128/");
    expect(at("https://ghcr.io/", { HTTPS_PROXY: "http://p:3128", no_proxy: "*" })).toBeUndefined();
  });

  it("refuses proxy settings it cannot use", () => {
    expect(() => at("https://ghcr.io/", { HTTPS_PROXY: "socks5://p:1080" })).toThrow("HTTPS_PROXY: socks5 proxies are not supported (http:// and https:// are)");
    expect(() => at("https://ghcr.io/", { HTTPS_PROXY: "http://[bad" })).toThrow("HTTPS_PROXY is not a URL");
  });

  it("shows a proxy without its credentials", () => {
    expect(describeProxy(new URL("http://alice:s3cret@proxy.corp:3128/"))).toBe("http://proxy.corp:3128");
  });
});
