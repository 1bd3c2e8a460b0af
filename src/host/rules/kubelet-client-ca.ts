// CIS Kubernetes 4.2.3: The kubelet does not verify client certificates (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletClientCa: HostRule = {
  id: "BW-HOST-062",
  title: "The kubelet does not verify client certificates",
  severity: "HIGH",
  remediation: "Set authentication.x509.clientCAFile in the kubelet config file (or --client-ca-file) to the cluster CA",
  references: { cis: "CIS Kubernetes 4.2.3", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("client-ca-file", ["authentication", "x509", "clientCAFile"], "");
    return typeof s.value === "string" && s.value.trim() !== "" ? [] : [settingHit(s, "no client CA: the kubelet cannot authenticate the API server or other clients by certificate")];
  },
};
