// CIS Docker 2.16: the userland proxy is disabled in favour of NAT rules.
import type { HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerUserlandProxy: HostRule = {
  id: "BW-HOST-017",
  title: "The userland proxy is enabled",
  severity: "LOW",
  remediation: 'Set "userland-proxy": false in daemon.json (or dockerd --userland-proxy=false); published ports then go through iptables NAT only',
  references: { cis: "CIS Docker 2.16", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("userland-proxy");
    if (!s) return [dockerDefaultHit(ctx, "userland-proxy", "userland-proxy defaults to true: a docker-proxy process per published port adds attack surface")];
    return asBool(s.value) === false ? [] : [settingHit(s, "userland-proxy is enabled: a docker-proxy process per published port adds attack surface")];
  },
};
