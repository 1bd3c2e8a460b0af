// BW-REG-008: the catalog (every repository name) can be listed without credentials.
import { line } from "../http.js";
import type { AuditRule } from "../types.js";

export const anonymousCatalog: AuditRule = {
  id: "BW-REG-008",
  title: "Anonymous catalog listing allowed",
  severity: "MEDIUM",
  remediation: "Require authentication for /v2/_catalog (auth in the registry config; with token auth, grant registry:catalog:* only to administrators), or block the endpoint at the proxy.",
  references: { urls: ["https://distribution.github.io/distribution/about/configuration/#auth", "https://distribution.github.io/distribution/spec/api/#listing-repositories"] },
  async check(ctx) {
    const c = await ctx.catalog("anonymous");
    if (!c) return [];
    const auth = await ctx.catalog("authenticated");
    if (auth) ctx.access.authenticated!.catalog = auth.res.status === 200;
    if (c.res.status === 200) {
      ctx.access.anonymous.catalog = true;
      const shown = c.repositories.slice(0, 5).join(", ");
      return [{
        message: c.res.truncated
          ? "Anyone can list the registry's repositories (the answer was too large to read whole)."
          : `Anyone can list the registry's repositories: ${c.repositories.length} name${c.repositories.length === 1 ? "" : "s"} on the first page${shown ? ` (${shown}${c.repositories.length > 5 ? ", ..." : ""})` : ""}.`,
        url: c.res.url.origin + c.res.url.pathname,
        evidence: [line(c.res, "no credentials"), ...ctx.anonymous().trail.filter((t) => t.includes("catalog")).slice(-1)],
      }];
    }
    ctx.access.anonymous.catalog = false;
    return [];
  },
};
