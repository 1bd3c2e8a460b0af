// CIS Docker 3.23, 3.24: owner and mode of the containerd socket.
import { DOCKER_BENCH, permRule } from "./helpers.js";

export const containerdSockPerms = permRule({
  id: "BW-HOST-040",
  title: "containerd.sock is open to users other than root",
  cis: "CIS Docker 3.23, 3.24",
  maxMode: 0o660,
  severity: "HIGH",
  urls: [DOCKER_BENCH],
  files: () => ["/run/containerd/containerd.sock"],
});
