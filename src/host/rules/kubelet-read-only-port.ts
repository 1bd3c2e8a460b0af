// CIS Kubernetes 4.2.4: The kubelet serves its unauthenticated read-only port (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletReadOnlyPort: HostRule = {
  id: "BW-HOST-063",
  title: "The kubelet serves its unauthenticated read-only port",
  severity: "MEDIUM",
  remediation: "Set readOnlyPort: 0 in the kubelet config file (or --read-only-port=0)",
  references: { cis: "CIS Kubernetes 4.2.4", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("read-only-port", ["readOnlyPort"], k.configPath === null ? 10255 : 0);
    return Number(s.value) === 0 ? [] : [settingHit(s, `port ${String(s.value)} serves pod specs and metrics to anyone, without authentication`)];
  },
};
