// BW-REG-001: the registry API answers over plain HTTP.
import { line } from "../http.js";
import type { AuditRule } from "../types.js";

export const plainHttp: AuditRule = {
  id: "BW-REG-001",
  title: "Registry API served over plain HTTP",
  severity: "HIGH",
  remediation: "Serve the registry over HTTPS only (http.tls in the registry config, or a TLS-terminating proxy) and close the plain-HTTP listener; clients then need no insecure-registries exception.",
  references: { cis: "CIS Docker 2.4", urls: ["https://distribution.github.io/distribution/about/configuration/#tls", "https://distribution.github.io/distribution/about/insecure/"] },
  async check(ctx) {
    if (!(await ctx.httpServed())) return [];
    const res = await ctx.httpV2();
    if (res instanceof Error) return [];
    const both = await ctx.httpsServed();
    return [{
      message: both ? "The registry API also answers over plain HTTP: images, tokens and credentials can cross the network unencrypted and be altered." : "The registry API answers only over plain HTTP: images, tokens and credentials cross the network unencrypted and can be altered.",
      url: ctx.target.httpUrl.href + "v2/",
      evidence: [line(res)],
    }];
  },
};
