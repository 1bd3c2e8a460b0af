// CIS Kubernetes 4.1.3, 4.1.4: owner and mode of the kube-proxy kubeconfig.
import type { HostContext } from "../context.js";
import { KUBE_BENCH, permRule } from "./helpers.js";
import { findProcesses } from "../sources/process.js";

export const kubeProxyKubeconfigPerms = permRule({
  id: "BW-HOST-081",
  title: "The kube-proxy kubeconfig is readable by others or not owned by root",
  cis: "CIS Kubernetes 4.1.3, 4.1.4",
  maxMode: 0o600,
  urls: [KUBE_BENCH],
  files: (ctx) => proxyKubeconfig(ctx),
});

/** kube-proxy's --kubeconfig (live process) or the usual files; kubeadm runs it in a pod with its config in a ConfigMap. */
function proxyKubeconfig(ctx: HostContext): string[] {
  const out: string[] = [];
  if (ctx.live) {
    for (const p of findProcesses(["kube-proxy"])) {
      const i = p.argv.findIndex((a) => a === "--kubeconfig" || a.startsWith("--kubeconfig="));
      if (i >= 0) out.push(p.argv[i]!.includes("=") ? p.argv[i]!.split("=").slice(1).join("=") : p.argv[i + 1] ?? "");
    }
  }
  return [...out.filter(Boolean), "/etc/kubernetes/proxy.conf", "/etc/kubernetes/kube-proxy.conf", "/var/lib/kube-proxy/kubeconfig", "/var/lib/kube-proxy/kubeconfig.conf"];
}
