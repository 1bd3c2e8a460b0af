// CIS Kubernetes 4.2.6 (v1.6; dropped from v1.7): The kubelet may change kernel parameters (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletProtectKernelDefaults: HostRule = {
  id: "BW-HOST-065",
  title: "The kubelet may change kernel parameters",
  severity: "LOW",
  remediation: "Set protectKernelDefaults: true in the kubelet config file (or --protect-kernel-defaults=true) and tune the kernel to the kubelet's expectations",
  references: { cis: "CIS Kubernetes 4.2.6 (v1.6; dropped from v1.7)", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("protect-kernel-defaults", ["protectKernelDefaults"], false);
    return String(s.value) === "true" ? [] : [settingHit(s, "the kubelet silently overrides kernel tunables that differ from its defaults instead of failing")];
  },
};
