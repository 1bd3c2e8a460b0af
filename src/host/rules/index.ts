// The host rules, one line each (ids in order).
import type { HostRule } from "../types.js";
import { dockerAuditRules } from "./docker-audit-rules.js";
import { dockerIcc } from "./docker-icc.js";
import { dockerInsecureRegistries } from "./docker-insecure-registries.js";
import { dockerTcpTls } from "./docker-tcp-tls.js";
import { dockerDefaultUlimits } from "./docker-default-ulimits.js";
import { dockerUserns } from "./docker-userns.js";
import { dockerLogDriver } from "./docker-log-driver.js";
import { dockerLiveRestore } from "./docker-live-restore.js";
import { dockerUserlandProxy } from "./docker-userland-proxy.js";
import { dockerExperimental } from "./docker-experimental.js";
import { dockerNoNewPrivileges } from "./docker-no-new-privileges.js";
import { dockerLogLevel } from "./docker-log-level.js";
import { dockerIptables } from "./docker-iptables.js";
import { dockerAufs } from "./docker-aufs.js";
import { dockerSeccomp } from "./docker-seccomp.js";
import { dockerServicePerms } from "./docker-service-perms.js";
import { dockerSocketUnitPerms } from "./docker-socket-unit-perms.js";
import { dockerEtcPerms } from "./docker-etc-perms.js";
import { dockerRegistryCertsPerms } from "./docker-registry-certs-perms.js";
import { dockerTlsCaPerms } from "./docker-tls-ca-perms.js";
import { dockerTlsCertPerms } from "./docker-tls-cert-perms.js";
import { dockerTlsKeyPerms } from "./docker-tls-key-perms.js";
import { dockerSockPerms } from "./docker-sock-perms.js";
import { dockerDaemonJsonPerms } from "./docker-daemon-json-perms.js";
import { dockerDefaultPerms } from "./docker-default-perms.js";
import { containerdSockPerms } from "./containerd-sock-perms.js";
import { containerdInsecureRegistry } from "./containerd-insecure-registry.js";
import { containerdPrivilegedDevices } from "./containerd-privileged-devices.js";
import { containerdApparmor } from "./containerd-apparmor.js";
import { crioInsecureRegistries } from "./crio-insecure-registries.js";
import { crioConfinement } from "./crio-confinement.js";
import { runtimeSelinux } from "./runtime-selinux.js";
import { kubeletAnonymousAuth } from "./kubelet-anonymous-auth.js";
import { kubeletAuthorizationMode } from "./kubelet-authorization-mode.js";
import { kubeletClientCa } from "./kubelet-client-ca.js";
import { kubeletReadOnlyPort } from "./kubelet-read-only-port.js";
import { kubeletStreamingTimeout } from "./kubelet-streaming-timeout.js";
import { kubeletProtectKernelDefaults } from "./kubelet-protect-kernel-defaults.js";
import { kubeletIptablesChains } from "./kubelet-iptables-chains.js";
import { kubeletHostnameOverride } from "./kubelet-hostname-override.js";
import { kubeletEventQps } from "./kubelet-event-qps.js";
import { kubeletTlsFiles } from "./kubelet-tls-files.js";
import { kubeletRotateCertificates } from "./kubelet-rotate-certificates.js";
import { kubeletTlsCiphers } from "./kubelet-tls-ciphers.js";
import { kubeletPodPids } from "./kubelet-pod-pids.js";
import { kubeletServicePerms } from "./kubelet-service-perms.js";
import { kubeProxyKubeconfigPerms } from "./kube-proxy-kubeconfig-perms.js";
import { kubeletKubeconfigPerms } from "./kubelet-kubeconfig-perms.js";
import { kubeletClientCaPerms } from "./kubelet-client-ca-perms.js";
import { kubeletConfigPerms } from "./kubelet-config-perms.js";
import { kubeletPkiPerms } from "./kubelet-pki-perms.js";

export const hostRules: readonly HostRule[] = [
  dockerAuditRules,
  dockerIcc,
  dockerInsecureRegistries,
  dockerTcpTls,
  dockerDefaultUlimits,
  dockerUserns,
  dockerLogDriver,
  dockerLiveRestore,
  dockerUserlandProxy,
  dockerExperimental,
  dockerNoNewPrivileges,
  dockerLogLevel,
  dockerIptables,
  dockerAufs,
  dockerSeccomp,
  dockerServicePerms,
  dockerSocketUnitPerms,
  dockerEtcPerms,
  dockerRegistryCertsPerms,
  dockerTlsCaPerms,
  dockerTlsCertPerms,
  dockerTlsKeyPerms,
  dockerSockPerms,
  dockerDaemonJsonPerms,
  dockerDefaultPerms,
  containerdSockPerms,
  containerdInsecureRegistry,
  containerdPrivilegedDevices,
  containerdApparmor,
  crioInsecureRegistries,
  crioConfinement,
  runtimeSelinux,
  kubeletAnonymousAuth,
  kubeletAuthorizationMode,
  kubeletClientCa,
  kubeletReadOnlyPort,
  kubeletStreamingTimeout,
  kubeletProtectKernelDefaults,
  kubeletIptablesChains,
  kubeletHostnameOverride,
  kubeletEventQps,
  kubeletTlsFiles,
  kubeletRotateCertificates,
  kubeletTlsCiphers,
  kubeletPodPids,
  kubeletServicePerms,
  kubeProxyKubeconfigPerms,
  kubeletKubeconfigPerms,
  kubeletClientCaPerms,
  kubeletConfigPerms,
  kubeletPkiPerms,
];
