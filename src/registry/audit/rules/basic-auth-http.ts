// BW-REG-013: a Basic challenge is served over plain HTTP: clients send passwords in clear text.
import { challengesOf, ProbeError } from "../http.js";
import type { AuditRule } from "../types.js";

export const basicAuthHttp: AuditRule = {
  id: "BW-REG-013",
  title: "Basic authentication over plain HTTP",
  severity: "HIGH",
  remediation: "Serve the registry over HTTPS only when it uses htpasswd (Basic) authentication; the password is sent with every request, only base64-encoded.",
  references: { cis: "CIS Docker 2.4", urls: ["https://distribution.github.io/distribution/about/configuration/#htpasswd", "https://www.rfc-editor.org/rfc/rfc7617#section-4"] },
  async check(ctx) {
    const res = await ctx.httpV2();
    if (res instanceof ProbeError || res.status !== 401) return [];
    const basic = challengesOf(res).find((c) => c.scheme === "basic");
    if (!basic) return [];
    return [{
      message: "The registry asks for Basic credentials over plain HTTP: every request carries the user's password readable on the network.",
      url: res.url.href,
      evidence: [`${res.method} ${res.url.origin}${res.url.pathname} -> 401, WWW-Authenticate: Basic${basic.params["realm"] ? ` realm="${basic.params["realm"].slice(0, 100)}"` : ""}`],
    }];
  },
};
