// BW-REG-002: the certificate chain does not lead to a trusted root (self-signed, unknown CA).
import { ProbeError } from "../http.js";
import { oneLine } from "../tls.js";
import type { AuditRule } from "../types.js";

export const tlsUntrusted: AuditRule = {
  id: "BW-REG-002",
  title: "TLS certificate is self-signed or not from a trusted CA",
  severity: "HIGH",
  remediation: "Use a certificate issued by a CA the clients trust (a public CA, or your organisation's CA distributed to every client) and serve the full chain; do not ask users to skip verification.",
  references: { cis: "CIS Docker 2.4", urls: ["https://distribution.github.io/distribution/about/configuration/#tls", "https://distribution.github.io/distribution/about/deploying/"] },
  async check(ctx) {
    const t = await ctx.tls();
    if (t instanceof ProbeError || !(await ctx.httpsServed()) || t.trusted) return [];
    const leaf = t.certs.chain[0]!;
    const selfSigned = leaf.checkIssued(leaf);
    return [{
      message: selfSigned ? "The registry presents a self-signed certificate: clients cannot tell it from an impostor and are pushed to disable verification." : "The registry's certificate chain does not lead to a trusted root certificate.",
      url: ctx.target.httpsUrl.href,
      evidence: [
        `subject: ${oneLine(leaf.subject)}; issuer: ${oneLine(leaf.issuer)}`,
        `${t.trustReason}${t.verifyError && !t.trustReason.includes(t.verifyError) ? ` (OpenSSL: ${t.verifyError})` : ""}`,
        `certificates presented: ${t.certs.chain.length}; sha256 fingerprint of the leaf: ${leaf.fingerprint256}`,
      ],
    }];
  },
};
