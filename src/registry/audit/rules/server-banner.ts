// BW-REG-012: Server (or X-Powered-By) names a software version.
import { header } from "../http.js";
import type { AuditRule } from "../types.js";

/** A version number: "nginx/1.25.3", "registry 2.8.2", "v3.0". */
const VERSIONED = /(?:^|[\s/(-])v?\d+\.\d+/i;

export const serverBanner: AuditRule = {
  id: "BW-REG-012",
  title: "Server banner discloses software version",
  severity: "LOW",
  remediation: "Remove version numbers from the Server and X-Powered-By headers (nginx: server_tokens off; drop custom Server values in http.headers of the registry config).",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#http", "https://owasp.org/www-project-secure-headers/"] },
  async check(ctx) {
    await Promise.all([ctx.httpsV2(), ctx.httpV2()]);
    const found = new Map<string, string>();
    for (const r of ctx.responses) {
      for (const name of ["server", "x-powered-by"]) {
        const value = header(r, name);
        if (value && VERSIONED.test(value)) found.set(`${name}: ${value}`, `${r.method} ${r.url.origin}${r.url.pathname} -> ${r.status}, ${name === "server" ? "Server" : "X-Powered-By"}: ${value.slice(0, 200)}`);
      }
    }
    if (found.size === 0) return [];
    const first = [...found.values()][0]!;
    return [{
      message: "Response headers name the server software and its version, which tells an attacker which known vulnerabilities to try.",
      url: first.split(" ")[1] ?? ctx.target.arg,
      evidence: [...found.values()],
    }];
  },
};
