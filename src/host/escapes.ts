// Known container escapes and host-compromise bugs of runtime components, keyed by CVE id: what
// the vulnerability lets a container (or an image) do. Which versions are affected is never
// decided here: that comes from the advisory data (OSV Go records, distribution records).
export interface EscapeInfo {
  name: string;
  meaning: string;
}

export const ESCAPES: Readonly<Record<string, EscapeInfo>> = {
  "CVE-2019-5736": { name: "runc /proc/self/exe overwrite", meaning: "a process in a container (or a malicious image run or exec'd into) overwrites the host's runc binary and runs code as root on the host: container escape" },
  "CVE-2024-21626": { name: "Leaky Vessels (runc fd leak)", meaning: "a file descriptor to the host's /sys/fs/cgroup leaks into the container; a crafted image (WORKDIR /proc/self/fd/N) or exec reaches the host filesystem: container escape" },
  "CVE-2021-30465": { name: "runc mount symlink-exchange race", meaning: "a container with crafted volume mounts races runc into bind-mounting a host path into the container: host filesystem access, escape" },
  "CVE-2025-31133": { name: "runc maskedPaths /dev/null race", meaning: "replacing /dev/null with a symlink makes runc bind-mount a host procfs file read-write into the container (e.g. /proc/sys/kernel/core_pattern): container escape" },
  "CVE-2025-52565": { name: "runc /dev/console mount race", meaning: "a race on /dev/console lets a container get writable host procfs files mounted: container escape" },
  "CVE-2025-52881": { name: "runc LSM bypass via redirected procfs writes", meaning: "runc's writes to procfs can be redirected to other host procfs files, bypassing AppArmor/SELinux: container escape and host denial of service" },
  "CVE-2016-9962": { name: "runc exec ptrace of init fd", meaning: "a process in the container can ptrace the joining runc exec process and reach the host's file descriptors: container escape" },
  "CVE-2019-16884": { name: "runc AppArmor bypass via /proc mount", meaning: "a malicious image with a custom /proc bypasses the container's AppArmor profile" },
  "CVE-2022-23648": { name: "containerd CRI volume path traversal", meaning: "an image's volume definitions make containerd copy arbitrary host files into the container: read of host secrets (keys, kubelet credentials)" },
  "CVE-2020-15257": { name: "containerd-shim abstract socket", meaning: "a container in the host network namespace connects to containerd-shim's API socket and starts processes as root on the host: escape" },
  "CVE-2021-32760": { name: "containerd archive chmod of host files", meaning: "pulling a crafted image changes permissions of files on the host" },
  "CVE-2023-25173": { name: "containerd supplementary groups not set", meaning: "container processes keep supplementary groups from the image's /etc/group, bypassing group-based file permissions" },
  "CVE-2022-0811": { name: "cr8escape (CRI-O sysctl injection)", meaning: "a pod's sysctl value sets host kernel parameters such as kernel.core_pattern: root on the node" },
  "CVE-2019-14271": { name: "docker cp libnss injection", meaning: "a malicious container makes 'docker cp' load its libraries on the host: root on the host" },
  "CVE-2021-25741": { name: "kubelet subPath symlink exchange", meaning: "a pod with a subPath volume mount can reach files and directories outside the volume, including the host filesystem" },
  "CVE-2017-1002101": { name: "kubelet subPath symlink", meaning: "a pod with subPath volume mounts reaches the host filesystem through symlinks" },
  "CVE-2023-2431": { name: "kubelet seccomp bypass", meaning: "pods with a localhost seccomp profile set to an empty name run without seccomp" },
  "CVE-2024-23651": { name: "Leaky Vessels (BuildKit mount cache race)", meaning: "a crafted build reaches host files during docker build" },
  "CVE-2024-23652": { name: "Leaky Vessels (BuildKit mount stub deletion)", meaning: "a crafted Dockerfile deletes files on the host during docker build" },
  "CVE-2024-23653": { name: "Leaky Vessels (BuildKit GRPC privilege check)", meaning: "a crafted build runs privileged containers without permission: escape during docker build" },
};

/** The escape a vulnerability is, by its id or any alias. */
export function escapeOf(id: string, aliases: readonly string[]): EscapeInfo | undefined {
  for (const x of [id, ...aliases]) {
    const e = ESCAPES[x];
    if (e) return e;
  }
  return undefined;
}
