// CIS Kubernetes 4.1.9, 4.1.10: owner and mode of the kubelet config file.
import { kubeletAbsent, KUBE_BENCH, permRule } from "./helpers.js";

export const kubeletConfigPerms = permRule({
  id: "BW-HOST-084",
  title: "The kubelet config file is writable by others or not owned by root",
  cis: "CIS Kubernetes 4.1.9, 4.1.10",
  maxMode: 0o600,
  urls: [KUBE_BENCH],
  files: (ctx) => kubeletAbsent(ctx)?.notApplicable ?? (ctx.kubelet.configPath ? [ctx.kubelet.configPath] : "no kubelet config file"),
});
