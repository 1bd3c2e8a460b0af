// BW-REG-009: an upload can be started without credentials. The upload is cancelled at once
// (DELETE of its location): no byte is ever sent, and nothing is committed.
import { describe, header, line } from "../http.js";
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
    const path = `/v2/${PROBE_REPOSITORY}/blobs/uploads/`;
    const scope = `repository:${PROBE_REPOSITORY}:pull,push`;
    const session = ctx.anonymous();
    const res = await ctx.via(session, "POST", path, scope, "BW-REG-009");
    if (!res) return [];
    if (res.status < 200 || res.status > 299) {
      ctx.access.anonymous.push = false;
      return [];
    }
    ctx.access.anonymous.push = true;
    const evidence = [line(res, "no credentials")];
    const location = header(res, "location");
    let cancelled = false;
    if (location) {
      let url: URL | undefined;
      try {
        url = new URL(location, base);
      } catch {
        url = undefined;
      }
      if (url && url.origin === base.origin) {
        try {
          const del = await session.request("DELETE", url, scope);
          ctx.log(`${describe("DELETE", url)} (cancel the probe upload) -> ${del.status}`);
          evidence.push(`${describe("DELETE", url)} -> ${del.status} (upload cancelled${del.status === 204 ? "" : ": unexpected status"})`);
          cancelled = del.status >= 200 && del.status < 300;
        } catch (e) {
          evidence.push(`cancelling the upload failed: ${(e as Error).message}`);
        }
      } else {
        evidence.push("the upload location is on another origin; it was not cancelled");
      }
    }
    if (!cancelled) ctx.note(`the probe upload in ${PROBE_REPOSITORY} (${header(res, "docker-upload-uuid") ?? "unknown id"}) could not be cancelled; the registry's upload purging removes it`, "BW-REG-009");
    return [{
      message: `Anyone can start an upload: the registry accepted POST ${path} without credentials (the probe upload was ${cancelled ? "cancelled at once" : "NOT cancelled"}).`,
      url: new URL(path, base).href,
      evidence,
    }];
  },
};
