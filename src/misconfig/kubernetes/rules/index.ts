// Every Kubernetes rule, in id order. Adding a rule means adding one file and one line here.
import type { K8sRule } from "../context.js";
import { hostNetwork } from "./host-network.js";
import { hostPid } from "./host-pid.js";
import { hostIpc } from "./host-ipc.js";
import { privileged } from "./privileged.js";
import { capabilitiesBaseline } from "./capabilities-baseline.js";
import { hostPath } from "./host-path.js";
import { hostPorts } from "./host-ports.js";
import { apparmor } from "./apparmor.js";
import { selinux } from "./selinux.js";
import { procMount } from "./proc-mount.js";
import { seccompUnconfined } from "./seccomp-unconfined.js";
import { sysctls } from "./sysctls.js";
import { hostProcess } from "./host-process.js";
import { volumeTypes } from "./volume-types.js";
import { privilegeEscalation } from "./privilege-escalation.js";
import { runAsNonRoot } from "./run-as-non-root.js";
import { runAsUserRoot } from "./run-as-user-root.js";
import { seccompRequired } from "./seccomp-required.js";
import { capabilitiesRestricted } from "./capabilities-restricted.js";
import { readOnlyRoot } from "./read-only-root.js";
import { cpuRequests } from "./cpu-requests.js";
import { cpuLimits } from "./cpu-limits.js";
import { memoryRequests } from "./memory-requests.js";
import { memoryLimits } from "./memory-limits.js";
import { imageLatest } from "./image-latest.js";
import { imageDigest } from "./image-digest.js";
import { pullPolicy } from "./pull-policy.js";
import { automountToken } from "./automount-token.js";
import { defaultNamespace } from "./default-namespace.js";
import { defaultServiceAccount } from "./default-service-account.js";
import { envSecrets } from "./env-secrets.js";
import { configMapCredentials } from "./configmap-credentials.js";
import { serviceExposed } from "./service-exposed.js";
import { ingressTls } from "./ingress-tls.js";
import { rbacWildcard } from "./rbac-wildcard.js";
import { rbacSecrets } from "./rbac-secrets.js";
import { rbacExec } from "./rbac-exec.js";
import { rbacCreateWorkloads } from "./rbac-create-workloads.js";
import { rbacEscalate } from "./rbac-escalate.js";
import { rbacNodeProxy } from "./rbac-node-proxy.js";
import { rbacClusterAdmin } from "./rbac-cluster-admin.js";
import { rbacAnonymous } from "./rbac-anonymous.js";
import { rbacDefaultServiceAccount } from "./rbac-default-sa.js";
import { netpolDefaultDeny } from "./netpol-default-deny.js";
import { netpolAllowAll } from "./netpol-allow-all.js";
import { hostProbes } from "./host-probes.js";
import { procMountRestricted } from "./proc-mount-restricted.js";
import { netpolCoverage } from "./netpol-coverage.js";
import { rbacDefaultRoleBinding } from "./rbac-default-role-binding.js";

export const kubernetesRules: K8sRule[] = [
  hostNetwork,
  hostPid,
  hostIpc,
  privileged,
  capabilitiesBaseline,
  hostPath,
  hostPorts,
  apparmor,
  selinux,
  procMount,
  seccompUnconfined,
  sysctls,
  hostProcess,
  volumeTypes,
  privilegeEscalation,
  runAsNonRoot,
  runAsUserRoot,
  seccompRequired,
  capabilitiesRestricted,
  readOnlyRoot,
  cpuRequests,
  cpuLimits,
  memoryRequests,
  memoryLimits,
  imageLatest,
  imageDigest,
  pullPolicy,
  automountToken,
  defaultNamespace,
  defaultServiceAccount,
  envSecrets,
  configMapCredentials,
  serviceExposed,
  ingressTls,
  rbacWildcard,
  rbacSecrets,
  rbacExec,
  rbacCreateWorkloads,
  rbacEscalate,
  rbacNodeProxy,
  rbacClusterAdmin,
  rbacAnonymous,
  rbacDefaultServiceAccount,
  netpolDefaultDeny,
  netpolAllowAll,
  hostProbes,
  procMountRestricted,
  netpolCoverage,
  rbacDefaultRoleBinding,
];
