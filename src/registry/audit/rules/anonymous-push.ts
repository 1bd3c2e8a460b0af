// BW-REG-009: an upload can be started without credentials. The upload is cancelled at once
// (DELETE of its location): no byte is ever sent, and nothing is committed.
import { PROBE_REPOSITORY } from "../context.js";
import type { AuditRule } from "../types.js";

export const anonymousPush: AuditRule = {
  id: "BW-REG-009",
  title: "Anonymous push allowed",
  severity: "CRITICAL",
  remediation: "Require authentication for pushes (auth.htpasswd or auth.token in the registry config) and grant push only to the identities that publish images; anyone who can push can replace the images your clusters run.",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#auth", "https://distribution.github.io/distribution/spec/api/#starting-an-upload"] },
  async check(ctx) {
    const base = await ctx.base();
    if (!base) return [];
    const probe = await ctx.probeUpload(ctx.anonymous(), "BW-REG-009");
    if (!probe) return [];
    const allowed = probe.res.status >= 200 && probe.res.status <= 299;
    ctx.access.anonymous.push = allowed;
    if (!allowed) {
      // What the given user may do, for the access summary (the same upload-and-cancel probe).
      const authed = await ctx.authenticated();
      const mine = authed ? await ctx.probeUpload(authed, "BW-REG-009") : undefined;
      if (mine && ctx.access.authenticated) ctx.access.authenticated.push = mine.res.status >= 200 && mine.res.status <= 299;
      return [];
    }
    const path = `/v2/${PROBE_REPOSITORY}/blobs/uploads/`;
    return [{
      message: `Anyone can start an upload: the registry accepted POST ${path} without credentials (the probe upload was ${probe.cancelled ? "cancelled at once" : "NOT cancelled"}).`,
      url: new URL(path, base).href,
      evidence: probe.evidence,
    }];
  },
};
