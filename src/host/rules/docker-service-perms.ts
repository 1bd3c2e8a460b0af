// CIS Docker 3.1, 3.2: owner and mode of the docker.service unit file.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";
import { findUnit } from "../sources/systemd.js";

export const dockerServicePerms = permRule({
  id: "BW-HOST-030",
  title: "docker.service is writable by others or not owned by root",
  cis: "CIS Docker 3.1, 3.2",
  maxMode: 0o644,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? [findUnit(ctx.root, "docker.service") ?? "/lib/systemd/system/docker.service"],
});
