// CIS Docker 3.7, 3.8: owner and mode of registry certificate files under /etc/docker/certs.d.
import { dockerMissing, DOCKER_BENCH, permRule } from "./helpers.js";

export const dockerRegistryCertsPerms = permRule({
  id: "BW-HOST-033",
  title: "Registry certificates are writable or not owned by root",
  cis: "CIS Docker 3.7, 3.8",
  maxMode: 0o444,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? ctx.root.list("/etc/docker/certs.d").flatMap((h) => ctx.root.list(`/etc/docker/certs.d/${h}`).map((f) => `/etc/docker/certs.d/${h}/${f}`)),
});
