// BW-REG-003: a certificate of the presented chain is expired (or not valid yet).
import { ProbeError } from "../http.js";
import type { AuditRule } from "../types.js";

export const tlsExpired: AuditRule = {
  id: "BW-REG-003",
  title: "TLS certificate expired or not yet valid",
  severity: "HIGH",
  remediation: "Renew the certificate (automate it, e.g. ACME / http.tls.letsencrypt in the registry config) and reload the registry; check the server clock when a certificate is not valid yet.",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#tls", "https://distribution.github.io/distribution/about/configuration/#letsencrypt"] },
  async check(ctx) {
    const t = await ctx.tls();
    if (t instanceof ProbeError || !(await ctx.httpsServed()) || t.outOfDate.length === 0) return [];
    return [{
      message: `The registry's certificate chain holds ${t.outOfDate.length === 1 ? "a certificate" : `${t.outOfDate.length} certificates`} outside ${t.outOfDate.length === 1 ? "its" : "their"} validity period: clients that verify refuse it, and those that do not have learnt to ignore errors.`,
      url: ctx.target.httpsUrl.href,
      evidence: t.outOfDate.map((c) => `${c.state}: ${c.subject} (valid from ${c.validFrom} to ${c.validTo}; checked at ${new Date().toISOString()})`),
    }];
  },
};
