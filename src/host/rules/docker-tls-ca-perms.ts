// CIS Docker 3.9, 3.10: owner and mode of the TLS CA certificate (tlscacert).
import { dockerMissing, DOCKER_BENCH, permRule, tlsFile } from "./helpers.js";

export const dockerTlsCaPerms = permRule({
  id: "BW-HOST-034",
  title: "The daemon's TLS CA certificate is writable or not owned by root",
  cis: "CIS Docker 3.9, 3.10",
  maxMode: 0o444,
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? tlsFile(ctx, "tlscacert"),
});
