// CIS Kubernetes 4.2.9: The kubelet serves TLS without a configured certificate (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletTlsFiles: HostRule = {
  id: "BW-HOST-069",
  title: "The kubelet serves TLS without a configured certificate",
  severity: "MEDIUM",
  remediation: "Set tlsCertFile and tlsPrivateKeyFile (or --tls-cert-file and --tls-private-key-file), or serverTLSBootstrap: true with rotation",
  references: { cis: "CIS Kubernetes 4.2.9", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const cert = k.setting("tls-cert-file", ["tlsCertFile"], "");
    const key = k.setting("tls-private-key-file", ["tlsPrivateKeyFile"], "");
    const boot = k.setting("rotate-server-certificates", ["serverTLSBootstrap"], false);
    if (String(boot.value) === "true") return [];
    if (cert.value && key.value) return [];
    return [settingHit(cert.value ? key : cert, "the kubelet serves a self-signed certificate it generated: clients cannot verify it", [boot.evidence])];
  },
};
