// CIS Kubernetes 4.2.1: The kubelet accepts anonymous requests (kube-bench node checks).
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletAnonymousAuth: HostRule = {
  id: "BW-HOST-060",
  title: "The kubelet accepts anonymous requests",
  severity: "CRITICAL",
  remediation: "Set authentication.anonymous.enabled: false in the kubelet config file (or --anonymous-auth=false)",
  references: { cis: "CIS Kubernetes 4.2.1", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const k = ctx.kubelet;
    const s = k.setting("anonymous-auth", ["authentication", "anonymous", "enabled"], k.configPath === null);
    return String(s.value) === "false" ? [] : [settingHit(s, "anonymous requests to the kubelet API (port 10250) are served: with a permissive authorizer, anyone on the network can exec into pods")];
  },
};
