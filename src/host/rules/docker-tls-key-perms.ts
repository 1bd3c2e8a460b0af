// CIS Docker 3.13, 3.14: owner and mode of the TLS private key (tlskey).
import { dockerMissing, DOCKER_BENCH, permRule, tlsFile } from "./helpers.js";

export const dockerTlsKeyPerms = permRule({
  id: "BW-HOST-036",
  title: "The daemon's TLS private key is readable by others or not owned by root",
  cis: "CIS Docker 3.13, 3.14",
  maxMode: 0o400,
  severity: "HIGH",
  urls: [DOCKER_BENCH],
  files: (ctx) => dockerMissing(ctx) ?? tlsFile(ctx, "tlskey"),
});
