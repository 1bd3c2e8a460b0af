// CIS Docker 2.4: Docker manages iptables, so published ports and inter-container rules hold.
import type { HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerIptables: HostRule = {
  id: "BW-HOST-021",
  title: "Docker may not change iptables",
  severity: "MEDIUM",
  remediation: 'Remove "iptables": false from daemon.json (and --iptables=false)',
  references: { cis: "CIS Docker 2.4", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("iptables");
    return s && asBool(s.value) === false ? [settingHit(s, "with iptables off, the network rules containers rely on (icc, port publishing) are left to hand-made rules")] : [];
  },
};
