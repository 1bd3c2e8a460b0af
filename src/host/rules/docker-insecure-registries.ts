// CIS Docker 2.5: no registry is pulled from without TLS verification.
import type { HostRule } from "../types.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerInsecureRegistries: HostRule = {
  id: "BW-HOST-011",
  title: "Docker trusts insecure registries",
  severity: "HIGH",
  remediation: 'Remove "insecure-registries" from daemon.json (and --insecure-registry flags); give the registry a certificate, trusted through /etc/docker/certs.d/HOST/ca.crt',
  references: { cis: "CIS Docker 2.5", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    return ctx.docker.list("insecure-registries", "insecure-registry").map((s) => settingHit(s, `images from ${String(s.value)} are pulled without TLS verification (plain HTTP or any certificate)`));
  },
};
