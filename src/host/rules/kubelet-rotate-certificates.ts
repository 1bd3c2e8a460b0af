// CIS Kubernetes 4.2.10: The kubelet does not rotate its client certificate (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletRotateCertificates: HostRule = {
  id: "BW-HOST-070",
  title: "The kubelet does not rotate its client certificate",
  severity: "MEDIUM",
  remediation: "Remove rotateCertificates: false (or --rotate-certificates=false)",
  references: { cis: "CIS Kubernetes 4.2.10", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("rotate-certificates", ["rotateCertificates"], undefined);
    return String(s.value) === "false" ? [settingHit(s, "the kubelet client certificate is never renewed; the node drops out when it expires, or a stolen one stays valid")] : [];
  },
};
