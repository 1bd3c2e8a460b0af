// BW-REG-011: Docker-Distribution-API-Version is sent to anonymous clients. Its value
// ("registry/2.0") is the API version, not the software's; it tells a scanner what answers.
import { header, ProbeError, type ProbeResponse } from "../http.js";
import type { AuditRule } from "../types.js";

export const apiVersionHeader: AuditRule = {
  id: "BW-REG-011",
  title: "Docker-Distribution-API-Version header disclosed to anonymous clients",
  severity: "LOW",
  remediation: "Strip Docker-Distribution-API-Version from unauthenticated responses at the reverse proxy (e.g. nginx proxy_hide_header) if fingerprinting matters; current docker and containerd clients do not need it.",
  references: { urls: ["https://distribution.github.io/distribution/spec/api/#api-version-check"] },
  async check(ctx) {
    const seen = [await ctx.httpsV2(), await ctx.httpV2()].filter((r): r is ProbeResponse => !(r instanceof ProbeError));
    const hits = seen.filter((r) => header(r, "docker-distribution-api-version") !== undefined);
    if (hits.length === 0) return [];
    return [{
      message: `Anonymous requests get the header Docker-Distribution-API-Version: ${header(hits[0]!, "docker-distribution-api-version")}, which identifies the server as a Docker Distribution registry.`,
      url: hits[0]!.url.href,
      evidence: hits.map((r) => `${r.method} ${r.url.origin}${r.url.pathname} -> ${r.status}, Docker-Distribution-API-Version: ${header(r, "docker-distribution-api-version")}`),
    }];
  },
};
