// BW-REG-005: TLS 1.0 or 1.1 is accepted. Each version is offered alone; OpenSSL's security level
// is lowered for these probes only, else Node's OpenSSL 3 would not complete such handshakes.
import { ProbeError } from "../http.js";
import { LEGACY_VERSIONS } from "../tls.js";
import type { AuditRule } from "../types.js";

export const tlsLegacy: AuditRule = {
  id: "BW-REG-005",
  title: "Deprecated TLS versions (1.0/1.1) accepted",
  severity: "MEDIUM",
  remediation: "Accept TLS 1.2 and 1.3 only: http.tls.minimumtls: tls1.2 (or tls1.3) in the registry config, and drop CBC/SHA-1 cipher suites from http.tls.ciphersuites (or the proxy's equivalent).",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#tls", "https://www.rfc-editor.org/rfc/rfc8996"] },
  async check(ctx) {
    const t = await ctx.tls();
    if (t instanceof ProbeError || !(await ctx.httpsServed())) return [];
    const accepted: string[] = [];
    for (const v of LEGACY_VERSIONS) {
      const r = await ctx.legacy(v);
      if (r.state === "accepted") accepted.push(`${v}: ${r.detail}`);
      if (r.state === "undetermined") ctx.note(`${v} support not determined: ${r.detail}`, "BW-REG-005");
    }
    if (accepted.length === 0) return [];
    return [{
      message: "The registry completes TLS handshakes with deprecated protocol versions (RFC 8996), open to downgrade and known attacks on CBC and SHA-1.",
      url: ctx.target.httpsUrl.href,
      evidence: accepted,
    }];
  },
};
