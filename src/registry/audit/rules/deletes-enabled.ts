// BW-REG-010: manifest deletion is enabled. Probed by deleting a random digest that no manifest
// has: distribution answers 404 MANIFEST_UNKNOWN when deletes are enabled (it looked the manifest
// up) and 405 UNSUPPORTED when storage.delete is disabled. Nothing real can be deleted.
import { errorCodes, line } from "../http.js";
import { PROBE_REPOSITORY, unknownDigest } from "../context.js";
import type { AuditRule } from "../types.js";

export const deletesEnabled: AuditRule = {
  id: "BW-REG-010",
  title: "Manifest deletion enabled",
  severity: "LOW",
  remediation: "Keep storage.delete.enabled: false unless garbage collection needs it, and then grant delete only to administrators; with deletes enabled anyone holding delete rights can remove images in use.",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#delete", "https://distribution.github.io/distribution/spec/api/#deleting-an-image"] },
  async check(ctx) {
    const base = await ctx.base();
    if (!base) return [];
    const target = await ctx.pullTarget();
    const repository = target?.repository ?? PROBE_REPOSITORY;
    const path = `/v2/${repository}/manifests/${unknownDigest()}`;
    const scope = `repository:${repository}:delete`;
    let res = await ctx.via(ctx.anonymous(), "DELETE", path, scope, "BW-REG-010");
    let anonymous = true;
    if (res && (res.status === 401 || res.status === 403)) {
      ctx.access.anonymous.delete = false;
      const authed = await ctx.authenticated();
      if (!authed) {
        ctx.note("deletes not decided: DELETE needs credentials (give --username/--password-stdin or --docker-config)", "BW-REG-010");
        return [];
      }
      res = await ctx.via(authed, "DELETE", path, scope, "BW-REG-010");
      anonymous = false;
    }
    if (!res) return [];
    const codes = errorCodes(res.body);
    const enabled = (res.status === 404 && codes.includes("MANIFEST_UNKNOWN")) || res.status === 202;
    const decided = enabled || res.status === 405 || codes.includes("UNSUPPORTED");
    if (decided) {
      if (anonymous) ctx.access.anonymous.delete = enabled;
      else if (ctx.access.authenticated) ctx.access.authenticated.delete = enabled;
    }
    if (!enabled) {
      if (!(res.status === 405 || codes.includes("UNSUPPORTED"))) ctx.note(`deletes not decided: ${line(res)}`, "BW-REG-010");
      return [];
    }
    return [{
      message: anonymous
        ? "Manifest deletion is enabled and open to anonymous clients: anyone can delete images."
        : "Manifest deletion is enabled (storage.delete.enabled) for authenticated users.",
      url: new URL(`/v2/${repository}/manifests/`, base).href,
      evidence: [line(res, `random digest that no manifest has, ${anonymous ? "no credentials" : "with credentials"}; 405 UNSUPPORTED would mean disabled`)],
      ...(anonymous ? { severity: "CRITICAL" as const } : {}),
    }];
  },
};
