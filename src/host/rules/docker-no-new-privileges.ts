// CIS Docker 2.14: containers cannot gain privileges through setuid by default.
import type { HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerNoNewPrivileges: HostRule = {
  id: "BW-HOST-019",
  title: "Containers may gain new privileges by default",
  severity: "MEDIUM",
  remediation: 'Set "no-new-privileges": true in daemon.json (or dockerd --no-new-privileges)',
  references: { cis: "CIS Docker 2.14", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("no-new-privileges");
    if (!s) return [dockerDefaultHit(ctx, "no-new-privileges", "no-new-privileges is not set: setuid binaries in a container can raise a process's privileges")];
    return asBool(s.value) === true ? [] : [settingHit(s, "no-new-privileges is disabled: setuid binaries in a container can raise a process's privileges")];
  },
};
