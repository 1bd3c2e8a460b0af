// kube-bench cis-1.7 4.2.12: the kubelet offers strong TLS cipher suites only.
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

/** The suites CIS accepts. */
export const STRONG_CIPHERS = new Set([
  "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
]);

export const kubeletTlsCiphers: HostRule = {
  id: "BW-HOST-071",
  title: "The kubelet allows weak or default TLS cipher suites",
  severity: "LOW",
  remediation: "Set tlsCipherSuites (or --tls-cipher-suites) to strong suites only, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  references: { cis: "CIS Kubernetes 4.2.12", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const s = ctx.kubelet.setting("tls-cipher-suites", ["tlsCipherSuites"], null);
    const list = Array.isArray(s.value) ? s.value.map(String) : typeof s.value === "string" ? s.value.split(",").map((x) => x.trim()).filter(Boolean) : [];
    if (!list.length) return [settingHit(s, "no cipher suites configured: Go's defaults include CBC and RSA key-exchange suites")];
    const weak = list.filter((c) => !STRONG_CIPHERS.has(c));
    return weak.length ? [settingHit(s, `weak cipher suites allowed: ${weak.join(", ")}`)] : [];
  },
};
