// CIS Docker 3.17, 3.18: owner and mode of daemon.json.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";

export const dockerDaemonJsonPerms = permRule({
  id: "BW-HOST-038",
  title: "daemon.json is writable by others or not owned by root",
  cis: "CIS Docker 3.17, 3.18",
  maxMode: 0o644,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? [ctx.docker.daemonJsonPath],
});
