// CIS Docker 2.18 (docker-bench-security numbering): experimental features are off in production.
import type { HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerExperimental: HostRule = {
  id: "BW-HOST-018",
  title: "Experimental daemon features are enabled",
  severity: "LOW",
  remediation: 'Remove "experimental": true from daemon.json (and --experimental)',
  references: { cis: "CIS Docker 2.18", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("experimental");
    return s && asBool(s.value) === true ? [settingHit(s, "experimental features are on: code paths without the stability and security review of released ones")] : [];
  },
};
