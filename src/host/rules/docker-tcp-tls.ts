// CIS Docker 2.7: a TCP socket of the daemon requires TLS with client certificates.
import type { HostHit, HostRule } from "../types.js";
import { asBool } from "../sources/docker.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerTcpTls: HostRule = {
  id: "BW-HOST-012",
  title: "Docker daemon listens on TCP without TLS client verification",
  severity: "CRITICAL",
  remediation: "Serve TCP sockets only with --tlsverify --tlscacert --tlscert --tlskey (or \"tlsverify\": true with the three files in daemon.json); prefer the Unix socket or SSH",
  references: { cis: "CIS Docker 2.7", urls: [DOCKER_BENCH, "https://docs.docker.com/engine/security/protect-access/"] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const d = ctx.docker;
    const tcp = d.list("hosts", "host").filter((s) => /^tcp:\/\//i.test(String(s.value)));
    if (!tcp.length) return [];
    const verify = d.setting("tlsverify");
    if (verify && asBool(verify.value) === true) {
      const missing = (["tlscacert", "tlscert", "tlskey"] as const).filter((k) => !d.setting(k));
      // Without the files dockerd falls back to ~/.docker/{ca,cert,key}.pem; still verified.
      if (!missing.length) return [];
    }
    const why = verify ? `tlsverify is ${String(verify.value)}` : d.setting("tls") ? "--tls without --tlsverify accepts any client" : "no TLS settings";
    return tcp.map((s): HostHit => settingHit(s, `the daemon API on ${String(s.value)} is reachable without client certificates (${why}): whoever connects is root on the host`, verify ? [verify.evidence] : []));
  },
};
