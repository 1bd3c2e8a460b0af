// CIS Docker 2.2: containers on the default bridge cannot talk to each other.
import type { HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerIcc: HostRule = {
  id: "BW-HOST-010",
  title: "Inter-container communication on the default bridge is allowed",
  severity: "MEDIUM",
  remediation: 'Set "icc": false in /etc/docker/daemon.json (or run dockerd --icc=false) and link containers that must talk over user-defined networks',
  references: { cis: "CIS Docker 2.2", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("icc");
    if (!s) return [dockerDefaultHit(ctx, "icc", "icc is not set, so it defaults to true: every container on docker0 can reach every other")];
    return asBool(s.value) === false ? [] : [settingHit(s, "icc is enabled: every container on docker0 can reach every other")];
  },
};
