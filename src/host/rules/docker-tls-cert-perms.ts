// CIS Docker 3.11, 3.12: owner and mode of the TLS server certificate (tlscert).
import { dockerMissing, DOCKER_BENCH, permRule, tlsFile } from "./helpers.js";

export const dockerTlsCertPerms = permRule({
  id: "BW-HOST-035",
  title: "The daemon's TLS server certificate is writable or not owned by root",
  cis: "CIS Docker 3.11, 3.12",
  maxMode: 0o444,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? tlsFile(ctx, "tlscert"),
});
