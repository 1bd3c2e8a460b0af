// CIS Docker 2.6: the aufs storage driver is not used.
import type { HostRule } from "../types.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerAufs: HostRule = {
  id: "BW-HOST-022",
  title: "Docker uses the aufs storage driver",
  severity: "MEDIUM",
  remediation: 'Use overlay2: set "storage-driver": "overlay2" (or remove the setting) and migrate the images',
  references: { cis: "CIS Docker 2.6", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("storage-driver");
    return s && String(s.value) === "aufs" ? [settingHit(s, "aufs is unmaintained, out of the mainline kernel and known for crashes and leaks")] : [];
  },
};
