// CIS Kubernetes 4.2.8: The kubelet creates events without a rate limit (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletEventQps: HostRule = {
  id: "BW-HOST-068",
  title: "The kubelet creates events without a rate limit",
  severity: "LOW",
  remediation: "Set eventRecordQPS to a positive value (or --event-qps), e.g. the default 50",
  references: { cis: "CIS Kubernetes 4.2.8", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("event-qps", ["eventRecordQPS"], 50);
    return Number(s.value) === 0 ? [settingHit(s, "eventRecordQPS 0 means no limit: a misbehaving pod can flood the API server with events")] : [];
  },
};
