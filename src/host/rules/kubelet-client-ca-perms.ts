// CIS Kubernetes 4.1.7, 4.1.8: owner and mode of the client CA file.
import type { HostContext } from "../context.js";
import { kubeletAbsent, KUBE_BENCH, permRule } from "./helpers.js";

export const kubeletClientCaPerms = permRule({
  id: "BW-HOST-083",
  title: "The kubelet client CA file is writable by others or not owned by root",
  cis: "CIS Kubernetes 4.1.7, 4.1.8",
  maxMode: 0o600,
  urls: [KUBE_BENCH],
  files: (ctx) => kubeletAbsent(ctx)?.notApplicable ?? clientCa(ctx),
});

function clientCa(ctx: HostContext): string[] | string {
  const f = ctx.kubelet.file("client-ca-file", ["authentication", "x509", "clientCAFile"]);
  return f ? [f] : "no client CA file configured";
}
