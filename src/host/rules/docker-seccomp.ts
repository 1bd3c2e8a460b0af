// CIS Docker 2.17: the daemon-wide seccomp profile is not switched off.
import type { HostRule } from "../types.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerSeccomp: HostRule = {
  id: "BW-HOST-023",
  title: "Docker runs containers without seccomp by default",
  severity: "HIGH",
  remediation: 'Remove "seccomp-profile": "unconfined" from daemon.json (and --seccomp-profile=unconfined); keep the default profile or a stricter one',
  references: { cis: "CIS Docker 2.17", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("seccomp-profile");
    return s && String(s.value) === "unconfined" ? [settingHit(s, "every container may make any system call unless it brings its own profile")] : [];
  },
};
