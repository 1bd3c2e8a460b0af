// CIS Kubernetes 1.1.19-1.1.21 (node equivalent): owner and mode of the kubelet's private keys (certificates may be world-readable).
import type { HostContext } from "../context.js";
import { kubeletAbsent, KUBE_BENCH, permRule } from "./helpers.js";

export const kubeletPkiPerms = permRule({
  id: "BW-HOST-085",
  title: "Kubelet private keys are readable by others or not owned by root",
  cis: "CIS Kubernetes 1.1.19-1.1.21 (node equivalent)",
  maxMode: 0o600,
  severity: "HIGH",
  urls: [KUBE_BENCH],
  files: (ctx) => kubeletAbsent(ctx)?.notApplicable ?? kubeletPki(ctx),
});

/** The kubelet's keys: the configured one and the keys in its cert dir (default /var/lib/kubelet/pki; *.pem there hold a key too). */
function kubeletPki(ctx: HostContext): string[] {
  const k = ctx.kubelet;
  const named = k.file("tls-private-key-file", ["tlsPrivateKeyFile"]);
  const dir = k.file("cert-dir", []) ?? "/var/lib/kubelet/pki";
  return [...(named ? [named] : []), ...ctx.root.list(dir).filter((f) => /\.(key|pem)$/.test(f)).map((f) => `${dir}/${f}`)];
}
