// CIS Docker 3.3, 3.4: owner and mode of the docker.socket unit file.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";
import { findUnit } from "../sources/systemd.js";

export const dockerSocketUnitPerms = permRule({
  id: "BW-HOST-031",
  title: "docker.socket is writable by others or not owned by root",
  cis: "CIS Docker 3.3, 3.4",
  maxMode: 0o644,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? [findUnit(ctx.root, "docker.socket") ?? "/lib/systemd/system/docker.socket"],
});
