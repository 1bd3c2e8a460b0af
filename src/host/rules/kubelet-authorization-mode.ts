// CIS Kubernetes 4.2.2: The kubelet authorizes every request (AlwaysAllow) (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletAuthorizationMode: HostRule = {
  id: "BW-HOST-061",
  title: "The kubelet authorizes every request (AlwaysAllow)",
  severity: "CRITICAL",
  remediation: "Set authorization.mode: Webhook in the kubelet config file (or --authorization-mode=Webhook)",
  references: { cis: "CIS Kubernetes 4.2.2", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("authorization-mode", ["authorization", "mode"], k.configPath === null ? "AlwaysAllow" : "Webhook");
    return String(s.value).split(",").includes("AlwaysAllow") ? [settingHit(s, "every authenticated (or anonymous) request to the kubelet API is allowed")] : [];
  },
};
