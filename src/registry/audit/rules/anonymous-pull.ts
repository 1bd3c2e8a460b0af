// BW-REG-007: a manifest can be fetched without credentials.
import { line } from "../http.js";
import type { AuditRule } from "../types.js";

export const anonymousPull: AuditRule = {
  id: "BW-REG-007",
  title: "Anonymous pull allowed",
  severity: "MEDIUM",
  remediation: "Require authentication for pulls (auth.htpasswd or auth.token in the registry config, or the token service's access policy) unless the registry is meant to be public; then keep it read-only for anonymous users.",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#auth", "https://distribution.github.io/distribution/spec/auth/token/"] },
  async check(ctx) {
    const base = await ctx.base();
    if (!base) return [];
    const target = await ctx.pullTarget();
    if (!target) {
      const v2 = await ctx.via(ctx.anonymous(), "GET", "/v2/", undefined, "BW-REG-007");
      if (v2?.status === 200) {
        ctx.access.anonymous.pull = true;
        return [{
          message: "The registry asks no credentials at all (GET /v2/ succeeds anonymously); no repository was found to confirm a pull.",
          url: new URL("/v2/", base).href,
          evidence: [line(v2)],
        }];
      }
      ctx.note("anonymous pull not decided: no repository is known (give --repo NAME[:TAG] or credentials that can list the catalog)", "BW-REG-007");
      return [];
    }
    if (!target.tag) {
      ctx.note(`anonymous pull not decided: no tag of ${target.repository} is known (give --repo NAME:TAG)`, "BW-REG-007");
      return [];
    }
    const path = `/v2/${target.repository}/manifests/${target.tag}`;
    const res = await ctx.via(ctx.anonymous(), "GET", path, `repository:${target.repository}:pull`, "BW-REG-007");
    if (!res) return [];
    if (res.status === 200) {
      ctx.access.anonymous.pull = true;
      return [{
        message: `Anyone can pull ${target.repository}:${target.tag} without credentials (repository from ${target.source}).`,
        url: new URL(path, base).href,
        evidence: [line(res, "no credentials"), ...ctx.anonymous().trail.slice(-1)],
      }];
    }
    if (res.status === 401 || res.status === 403) {
      ctx.access.anonymous.pull = false;
      const authed = await ctx.authenticated();
      const mine = authed ? await ctx.via(authed, "GET", path, `repository:${target.repository}:pull`, "BW-REG-007") : undefined;
      if (mine && ctx.access.authenticated) ctx.access.authenticated.pull = mine.status === 200;
    } else {
      ctx.note(`anonymous pull not decided: ${line(res)}`, "BW-REG-007");
    }
    return [];
  },
};
