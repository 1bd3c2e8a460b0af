// kube-bench cis-1.7 4.2.13: a limit on the processes of each pod.
import type { HostRule } from "../types.js";
import { KUBE_BENCH, kubeletAbsent, settingHit } from "./helpers.js";

export const kubeletPodPids: HostRule = {
  id: "BW-HOST-072",
  title: "Pods may start any number of processes",
  severity: "LOW",
  remediation: "Set podPidsLimit (or --pod-max-pids) to a positive number such as 4096",
  references: { cis: "CIS Kubernetes 4.2.13", urls: [KUBE_BENCH] },
  check(ctx) {
    const na = kubeletAbsent(ctx);
    if (na) return na;
    const s = ctx.kubelet.setting("pod-max-pids", ["podPidsLimit"], -1);
    return Number(s.value) > 0 ? [] : [settingHit(s, "no PID limit per pod: a fork bomb in one pod exhausts the node's process table")];
  },
};
