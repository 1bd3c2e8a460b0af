// CIS Kubernetes 4.1.5, 4.1.6: owner and mode of the kubelet's kubeconfig (kubelet.conf).
import { kubeletAbsent, KUBE_BENCH, permRule } from "./helpers.js";

export const kubeletKubeconfigPerms = permRule({
  id: "BW-HOST-082",
  title: "The kubelet kubeconfig is readable by others or not owned by root",
  cis: "CIS Kubernetes 4.1.5, 4.1.6",
  maxMode: 0o600,
  urls: [KUBE_BENCH],
  files: (ctx) => kubeletAbsent(ctx)?.notApplicable ?? [ctx.kubelet.file("kubeconfig", []) ?? "/etc/kubernetes/kubelet.conf"],
});
