// Pod Security Standards versions, as the Pod Security admission controller applies them
// (k8s.io/pod-security-admission/policy/check_*.go): a namespace pins a policy version
// (`pod-security.kubernetes.io/enforce-version: v1.30`) or takes `latest`, and each check behaves
// as its newest revision at or below that version. The facts below were checked against those
// files and the kubernetes.io Pod Security Standards page; docs/kubernetes.md has the table.
import type { Obj } from "./resource.js";
import { asArray, asObj, str } from "./resource.js";

/** The newest Kubernetes minor this build knows: what `latest` resolves to. */
export const PSS_LATEST_MINOR = 36;

export interface PssVersion {
  /** Minor version of Kubernetes 1.x: 36 for v1.36. */
  minor: number;
  /** "v1.36": what findings say (never "latest"). */
  label: string;
}

export function pssVersion(minor: number): PssVersion {
  return { minor, label: `v1.${minor}` };
}

export const PSS_LATEST = pssVersion(PSS_LATEST_MINOR);

/**
 * "latest" or "v1.N" (also "1.N") as the admission controller's version labels take them;
 * undefined for anything else, or for a version newer than this build knows.
 */
export function parsePssVersion(text: string): PssVersion | undefined {
  const t = text.trim();
  if (t === "latest") return PSS_LATEST;
  const m = /^v?1\.(0|[1-9][0-9]{0,2})$/.exec(t);
  if (!m) return undefined;
  const minor = Number(m[1]);
  return minor <= PSS_LATEST_MINOR ? pssVersion(minor) : undefined;
}

/** Policy versions at which a control's behaviour changed (first entry: when it appeared). */
export interface PssControl {
  control: string;
  level: "baseline" | "restricted";
  since: number;
  changes: { minor: number; what: string }[];
}

/** Every control, as registered in pod-security-admission at v1.36 (one row per control and level). */
export const PSS_CONTROLS: PssControl[] = [
  { control: "HostProcess", level: "baseline", since: 0, changes: [] },
  { control: "Host Namespaces", level: "baseline", since: 0, changes: [] },
  { control: "Privileged Containers", level: "baseline", since: 0, changes: [] },
  { control: "Capabilities", level: "baseline", since: 0, changes: [] },
  { control: "HostPath Volumes", level: "baseline", since: 0, changes: [] },
  { control: "Host Ports", level: "baseline", since: 0, changes: [] },
  { control: "Host Probes / Lifecycle Hooks", level: "baseline", since: 34, changes: [] },
  { control: "AppArmor", level: "baseline", since: 0, changes: [] },
  { control: "SELinux", level: "baseline", since: 0, changes: [{ minor: 31, what: "type container_engine_t allowed" }] },
  { control: "/proc Mount Type", level: "baseline", since: 0, changes: [{ minor: 35, what: "any value allowed when hostUsers: false" }] },
  { control: "Seccomp", level: "baseline", since: 0, changes: [{ minor: 19, what: "the securityContext.seccompProfile fields instead of the alpha annotations" }] },
  {
    control: "Sysctls",
    level: "baseline",
    since: 0,
    changes: [
      { minor: 27, what: "net.ipv4.ip_local_reserved_ports allowed" },
      { minor: 29, what: "net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl, tcp_keepalive_probes allowed" },
      { minor: 32, what: "net.ipv4.tcp_rmem, tcp_wmem allowed" },
    ],
  },
  { control: "Volume Types", level: "restricted", since: 0, changes: [] },
  { control: "Privilege Escalation", level: "restricted", since: 8, changes: [{ minor: 25, what: "Windows pods exempt" }] },
  { control: "Running as Non-root", level: "restricted", since: 0, changes: [{ minor: 35, what: "not checked when hostUsers: false" }] },
  { control: "Running as Non-root user", level: "restricted", since: 23, changes: [{ minor: 35, what: "not checked when hostUsers: false" }] },
  { control: "Seccomp", level: "restricted", since: 19, changes: [{ minor: 25, what: "Windows pods exempt" }] },
  { control: "Capabilities", level: "restricted", since: 22, changes: [{ minor: 25, what: "Windows pods exempt" }] },
  { control: "/proc Mount Type", level: "restricted", since: 35, changes: [] },
];

export function pssControl(control: string, level: "baseline" | "restricted"): PssControl | undefined {
  return PSS_CONTROLS.find((c) => c.control === control && c.level === level);
}

const SYSCTLS_1_0 = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];
const SYSCTLS_BY_VERSION: [number, string[]][] = [
  [0, SYSCTLS_1_0],
  [27, ["net.ipv4.ip_local_reserved_ports"]],
  [29, ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
  [32, ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];

const safeSysctlCache = new Map<number, Set<string>>();

/** The sysctls the Baseline policy of that version allows. */
export function safeSysctls(v: PssVersion): Set<string> {
  let set = safeSysctlCache.get(v.minor);
  if (!set) {
    set = new Set(SYSCTLS_BY_VERSION.filter(([m]) => m <= v.minor).flatMap(([, names]) => names));
    safeSysctlCache.set(v.minor, set);
  }
  return set;
}

/** The version that first allowed a sysctl, if any does. */
export function sysctlAllowedSince(name: string): number | undefined {
  return SYSCTLS_BY_VERSION.find(([, names]) => names.includes(name))?.[0];
}

const SELINUX_TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];

export function selinuxTypeAllowed(type: string, v: PssVersion): boolean {
  return SELINUX_TYPES_1_0.includes(type) || (type === "container_engine_t" && v.minor >= 31);
}

/** Baseline: only these may be added, spelled exactly so (no CAP_ prefix, upper case). */
export const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

/** Restricted: volumes must use one of these sources (`image` since the 1.33 binaries, in the 1.0 check). */
export const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"]);

/** Pods with `spec.os.name: windows` skip the Linux-only restricted controls from v1.25 on. */
export function windowsExempt(podSpec: Obj, v: PssVersion): boolean {
  return v.minor >= 25 && str(asObj(podSpec.os).name) === "windows";
}

/** Pods in a user namespace (`hostUsers: false`) are relaxed from v1.35 on. */
export function userNamespaceRelaxed(podSpec: Obj, v: PssVersion): boolean {
  return v.minor >= 35 && podSpec.hostUsers === false;
}

/** The capability names of a list as written (strings only). */
export function exactNames(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === "string");
}

/** "CAP_SYS_ADMIN" → a hint that Kubernetes names capabilities without the prefix. */
export function capabilitySpellingHint(names: string[]): string {
  const odd = names.filter((n) => /^cap_/i.test(n) || n !== n.toUpperCase());
  if (odd.length === 0) return "";
  const fixed = odd.map((n) => n.toUpperCase().replace(/^CAP_/, ""));
  return ` (Kubernetes spells capabilities without the CAP_ prefix and in upper case: ${fixed.join(", ")})`;
}
