// CIS Kubernetes 4.2.7: The kubelet overrides its host name (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletHostnameOverride: HostRule = {
  id: "BW-HOST-067",
  title: "The kubelet overrides its host name",
  severity: "LOW",
  remediation: "Remove --hostname-override so TLS between the kubelet and the API server matches the node's name",
  references: { cis: "CIS Kubernetes 4.2.7", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("hostname-override", ["hostnameOverride"], "");
    return typeof s.value === "string" && s.value !== "" ? [settingHit(s, `the node registers as ${s.value}, which can break certificate checks between kubelet and API server`)] : [];
  },
};
