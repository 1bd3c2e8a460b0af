// CIS Docker 2.8: default ulimits are set for containers.
import type { HostRule } from "../types.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH } from "./helpers.js";

export const dockerDefaultUlimits: HostRule = {
  id: "BW-HOST-013",
  title: "No default ulimits for containers",
  severity: "LOW",
  remediation: 'Set "default-ulimits" in daemon.json (e.g. {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}}) or --default-ulimit nofile=64000:64000',
  references: { cis: "CIS Docker 2.8", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const list = ctx.docker.list("default-ulimits", "default-ulimit");
    const obj = ctx.docker.setting("default-ulimits");
    if (list.length || (obj && obj.value && typeof obj.value === "object" && Object.keys(obj.value).length)) return [];
    return [dockerDefaultHit(ctx, "default-ulimits", "containers inherit the daemon's limits: one container can exhaust file descriptors or processes for all")];
  },
};
