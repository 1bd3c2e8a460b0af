// CIS Docker 2.9: user namespace remapping.
import type { HostRule } from "../types.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerUserns: HostRule = {
  id: "BW-HOST-014",
  title: "User namespace remapping is not enabled",
  severity: "MEDIUM",
  remediation: 'Set "userns-remap": "default" in daemon.json (or dockerd --userns-remap=default) so root in a container is an unprivileged user on the host',
  references: { cis: "CIS Docker 2.9", urls: [DOCKER_BENCH, "https://docs.docker.com/engine/security/userns-remap/"] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("userns-remap");
    if (!s) return [dockerDefaultHit(ctx, "userns-remap", "root in a container is root on the host (no user namespace remapping)")];
    return String(s.value).trim() === "" ? [settingHit(s, "userns-remap is empty: root in a container is root on the host")] : [];
  },
};
