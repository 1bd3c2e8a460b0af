// CIS Docker 3.19-3.22: owner and mode of /etc/default/docker and /etc/sysconfig/docker.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";

export const dockerDefaultPerms = permRule({
  id: "BW-HOST-039",
  title: "/etc/default/docker or /etc/sysconfig/docker is writable by others or not owned by root",
  cis: "CIS Docker 3.19-3.22",
  maxMode: 0o644,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? ["/etc/default/docker", "/etc/sysconfig/docker"],
});
