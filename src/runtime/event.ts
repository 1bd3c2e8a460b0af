// One event as every source hands it to the rules: the kernel's (bpftrace, audit) or Kubernetes'.

export type EventSourceName = "syscall" | "k8s_audit";

export interface ProcessInfo {
  pid: number;
  /** Thread id (equals pid for the main thread). */
  tid?: number;
  ppid?: number;
  /** comm: the kernel's short name (at most 15 characters). */
  name: string;
  /** argv[0]. */
  exe?: string;
  /** Full path of the executable. */
  exepath?: string;
  /** argv without argv[0]. */
  args?: string[];
  /** Parent's comm. */
  pname?: string;
  uid?: number;
  gid?: number;
  euid?: number;
  loginuid?: number;
  /** Inode number of the PID namespace. */
  pidns?: number;
  /** PID inside its namespace. */
  vpid?: number;
  sid?: number;
  tty?: number;
  cwd?: string;
}

export interface SocketInfo {
  /** 4 (IPv4), 6 (IPv6) or u (unix). */
  family: "4" | "6" | "u";
  l4proto?: "tcp" | "udp" | "icmp" | "raw";
  /** Client (local, for connect) address and port. */
  sip?: string;
  sport?: number;
  /** Server (remote, for connect) address and port. */
  dip?: string;
  dport?: number;
  /** Unix socket path. */
  path?: string;
}

export interface SyscallEvent {
  source: "syscall";
  /** Milliseconds since the epoch. */
  time: number;
  /** Falco's event type name: execve, openat, connect, setuid, ... */
  type: string;
  /** ">" enter, "<" exit. */
  dir: ">" | "<";
  /** Return value (exit events). */
  res?: number;
  proc: ProcessInfo;
  /** The file or socket the event is about. */
  fd?: { num?: number; name?: string; typechar: string; socket?: SocketInfo };
  /** evt.arg.* (flags rendered like Falco: O_RDONLY|O_CLOEXEC). */
  args: Record<string, string | number>;
  /** Container id (full, as the cgroup leaf names it); undefined = the host. */
  containerId?: string;
  /** Where the event came from: "bpftrace", "audit". */
  origin: string;
}

/** A Kubernetes audit Event (audit.k8s.io/v1), as JSON. */
export interface K8sAuditEvent {
  source: "k8s_audit";
  time: number;
  audit: Record<string, unknown>;
  origin: string;
}

export type RuntimeEvent = SyscallEvent | K8sAuditEvent;

/** What the watcher knows of containers: name and image, looked up by id. */
export interface ContainerInfo {
  id: string;
  name?: string;
  image?: string;
  /** Executables of the image (for the drift rule): path → known. */
  imageFiles?: ImageFileIndex;
}

/** The image's file list, as `bulwark drift` builds it; only `has` is needed here. */
export interface ImageFileIndex {
  has(path: string): boolean;
}
