// BW-REG-004: the certificate does not name the host the registry is reached by.
import { ProbeError } from "../http.js";
import { oneLine } from "../tls.js";
import type { AuditRule } from "../types.js";

export const tlsHostname: AuditRule = {
  id: "BW-REG-004",
  title: "TLS certificate does not match the registry host name",
  severity: "HIGH",
  remediation: "Issue the certificate with a subjectAltName for every name and IP address clients use to reach the registry (DNS:registry.example.com, IP:10.0.0.5).",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#tls", "https://www.rfc-editor.org/rfc/rfc6125"] },
  async check(ctx) {
    const t = await ctx.tls();
    if (t instanceof ProbeError || !(await ctx.httpsServed()) || t.nameError === undefined) return [];
    const leaf = t.certs.chain[0]!;
    return [{
      message: `The certificate is not valid for ${ctx.target.hostname}: clients that verify it refuse to connect.`,
      url: ctx.target.httpsUrl.href,
      evidence: [t.nameError, `subject: ${oneLine(leaf.subject)}; subjectAltName: ${leaf.subjectAltName ?? "none"}`],
    }];
  },
};
