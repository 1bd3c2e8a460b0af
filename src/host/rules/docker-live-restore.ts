// CIS Docker 2.15: containers keep running while dockerd restarts.
import type { HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerLiveRestore: HostRule = {
  id: "BW-HOST-016",
  title: "Live restore is not enabled",
  severity: "LOW",
  remediation: 'Set "live-restore": true in daemon.json (or dockerd --live-restore) so daemon upgrades and restarts do not stop containers',
  references: { cis: "CIS Docker 2.15", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("live-restore");
    if (!s) return [dockerDefaultHit(ctx, "live-restore", "live-restore is not set: every daemon restart stops all containers")];
    return asBool(s.value) === true ? [] : [settingHit(s, "live-restore is disabled: every daemon restart stops all containers")];
  },
};
