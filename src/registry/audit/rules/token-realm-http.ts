// BW-REG-006: the Bearer challenge sends clients to a token realm over plain HTTP.
import { challengesOf, ProbeError, type ProbeResponse } from "../http.js";
import type { AuditRule } from "../types.js";

export const tokenRealmHttp: AuditRule = {
  id: "BW-REG-006",
  title: "Token realm served over plain HTTP",
  severity: "HIGH",
  remediation: "Serve the token service over HTTPS and set auth.token.realm to its https:// URL: clients send their passwords to the realm and get bearer tokens back.",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#token", "https://distribution.github.io/distribution/spec/auth/token/"] },
  async check(ctx) {
    const seen = [await ctx.httpsV2(), await ctx.httpV2()].filter((r): r is ProbeResponse => !(r instanceof ProbeError));
    const hits = new Map<string, string>();
    for (const res of seen) {
      for (const c of challengesOf(res)) {
        const realm = c.params["realm"];
        if (c.scheme !== "bearer" || !realm) continue;
        let url: URL;
        try {
          url = new URL(realm);
        } catch {
          continue;
        }
        if (url.protocol === "http:") hits.set(url.origin + url.pathname, `${res.method} ${res.url.origin}${res.url.pathname} -> ${res.status}, WWW-Authenticate: Bearer realm="${url.origin}${url.pathname}"`);
      }
    }
    return [...hits].map(([realm, evidence]) => ({
      message: `The registry sends clients to the token realm ${realm} over plain HTTP: passwords (Basic auth to the realm) and bearer tokens cross the network unencrypted.`,
      url: realm,
      evidence: [evidence],
    }));
  },
};
