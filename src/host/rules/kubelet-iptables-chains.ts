// CIS Kubernetes 4.2.6: The kubelet does not manage its iptables chains (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletIptablesChains: HostRule = {
  id: "BW-HOST-066",
  title: "The kubelet does not manage its iptables chains",
  severity: "LOW",
  remediation: "Remove makeIPTablesUtilChains: false (or --make-iptables-util-chains=false)",
  references: { cis: "CIS Kubernetes 4.2.6", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("make-iptables-util-chains", ["makeIPTablesUtilChains"], true);
    return String(s.value) === "false" ? [settingHit(s, "iptables rules the kubelet relies on can drift from what pods need")] : [];
  },
};
