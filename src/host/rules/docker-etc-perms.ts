// CIS Docker 3.5, 3.6: owner and mode of /etc/docker.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";

export const dockerEtcPerms = permRule({
  id: "BW-HOST-032",
  title: "/etc/docker is writable by others or not owned by root",
  cis: "CIS Docker 3.5, 3.6",
  maxMode: 0o755,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? ["/etc/docker"],
});
