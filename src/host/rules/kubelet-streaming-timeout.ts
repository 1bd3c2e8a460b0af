// CIS Kubernetes 4.2.5: Streaming connections to the kubelet never time out (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletStreamingTimeout: HostRule = {
  id: "BW-HOST-064",
  title: "Streaming connections to the kubelet never time out",
  severity: "LOW",
  remediation: "Set streamingConnectionIdleTimeout to a non-zero duration such as 5m (or --streaming-connection-idle-timeout=5m)",
  references: { cis: "CIS Kubernetes 4.2.5", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("streaming-connection-idle-timeout", ["streamingConnectionIdleTimeout"], "4h0m0s");
    return /^(0+(\.0+)?(ns|us|ms|s|m|h)?)+$/.test(String(s.value).trim()) ? [settingHit(s, "idle exec/attach/port-forward streams are kept open forever: connections pile up until the node runs out")] : [];
  },
};
