// CIS Docker 3.15, 3.16: owner and mode of the Docker socket.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";

export const dockerSockPerms = permRule({
  id: "BW-HOST-037",
  title: "docker.sock is open to users outside the docker group",
  cis: "CIS Docker 3.15, 3.16",
  maxMode: 0o660,
  severity: "HIGH", groups: ["docker", "root"],
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? ["/var/run/docker.sock", "/run/docker.sock"],
});
