// CIS Kubernetes 4.1.1, 4.1.2: owner and mode of the kubelet service file and its drop-ins.
import { kubeletAbsent, KUBE_BENCH, permRule } from "./helpers.js";
import { dropIns, findUnit } from "../sources/systemd.js";

export const kubeletServicePerms = permRule({
  id: "BW-HOST-080",
  title: "The kubelet service file is writable by others or not owned by root",
  cis: "CIS Kubernetes 4.1.1, 4.1.2",
  maxMode: 0o600,
  urls: [KUBE_BENCH],
  files: (ctx) => kubeletAbsent(ctx)?.notApplicable ?? [...[findUnit(ctx.root, "kubelet.service")].filter((p): p is string => p !== null), ...dropIns(ctx.root, "kubelet.service")],
});
