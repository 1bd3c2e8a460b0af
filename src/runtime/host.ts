// What the watcher looks up on the host: the cgroup v2 leaf of an event (→ container id),
// containers' names and images from runc's state, processes from /proc, user names.
// Every read is bounded (size, entries, time between rescans).
import { closeSync, openSync, readdirSync, readlinkSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ContainerInfo, ImageFileIndex, ProcessInfo, SyscallEvent } from "./event.js";
import type { FieldContext } from "./rules/fields.js";

/** Reads at most `max` bytes of a file (procfs files report size 0). */
export function readCapped(path: string, max = 1 << 20): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    // Grow as needed: most files read here are small, and zeroing `max` bytes per read is not free.
    let buf = Buffer.allocUnsafe(Math.min(max, 16 * 1024));
    let n = 0;
    while (n < max) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(max, buf.length * 4));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r <= 0) break;
      n += r;
    }
    return buf.subarray(0, n).toString("utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Where runc-based runtimes keep container state (runc's root for Docker, containerd, CRI-O, tests). */
export const RUNC_ROOTS = ["/run/runc", "/run/containerd/runc/k8s.io", "/run/containerd/runc/default", "/run/docker/runtime-runc/moby", "/run/crun"];

/** The container id a cgroup leaf names, as the common runtimes and drivers spell it. */
export function containerIdFromLeaf(leaf: string, isKnownRuncId: (id: string) => boolean): string | undefined {
  const m = /^(?:docker-|cri-containerd-|crio-|libpod-|containerd-)?([0-9a-f]{64})(?:\.scope)?$/.exec(leaf);
  if (m) return m[1];
  if (isKnownRuncId(leaf)) return leaf;
  return undefined;
}

/** The unified (v2) cgroup mount point, from /proc/self/mountinfo. */
export function unifiedCgroupMount(): string | undefined {
  const info = readCapped("/proc/self/mountinfo", 4 << 20) ?? "";
  for (const line of info.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    if (line.slice(sep + 3).split(" ")[0] === "cgroup2") return line.split(" ")[4];
  }
  return undefined;
}

/**
 * cgroup v2 id (the directory's inode number, what bpftrace's `cgroup` gives) → container id.
 * The hierarchy is indexed on first use and again on a miss, at most once a second and at most
 * 50,000 directories deep-first.
 */
export class CgroupResolver {
  private readonly byId = new Map<string, string | null>();
  private lastScan = 0;
  private readonly root: string | undefined;

  constructor(
    root = unifiedCgroupMount(),
    private readonly runcRoots = RUNC_ROOTS,
  ) {
    this.root = root;
  }

  private isRuncId(id: string): boolean {
    for (const r of this.runcRoots) {
      try {
        statSync(join(r, id, "state.json"));
        return true;
      } catch {
        // Not there.
      }
    }
    return false;
  }

  private scan(): void {
    if (!this.root) return;
    this.lastScan = Date.now();
    const stack = [this.root];
    let seen = 0;
    while (stack.length && seen < 50_000) {
      const dir = stack.pop()!;
      seen++;
      let st;
      try {
        st = statSync(dir, { bigint: true });
      } catch {
        continue;
      }
      const id = String(st.ino);
      if (!this.byId.has(id) || this.byId.get(id) === null) {
        const leaf = dir.slice(dir.lastIndexOf("/") + 1);
        this.byId.set(id, dir === this.root ? null : (containerIdFromLeaf(leaf, (x) => this.isRuncId(x)) ?? null));
      }
      try {
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) stack.push(join(dir, e.name));
      } catch {
        // Gone.
      }
    }
  }

  /** The container id of a cgroup id, or undefined for the host. */
  resolve(cgroupId: string): string | undefined {
    if (cgroupId === "0" || cgroupId === "1") return undefined;
    let v = this.byId.get(cgroupId);
    if (v === undefined && Date.now() - this.lastScan > 1000) {
      this.scan();
      v = this.byId.get(cgroupId);
    }
    return v ?? undefined;
  }

  /** Registers a container's cgroup directly (tests, or when the runtime tells us). */
  remember(cgroupId: string, containerId: string): void {
    this.byId.set(cgroupId, containerId);
  }
}

/** runc state of a container: name and image from its annotations, when the runtime set them. */
export function runcContainerInfo(id: string, runcRoots = RUNC_ROOTS): ContainerInfo | undefined {
  for (const r of runcRoots) {
    const text = readCapped(join(r, id, "state.json"), 4 << 20);
    if (!text) continue;
    try {
      const state = JSON.parse(text) as { config?: { labels?: string[] } };
      const labels = new Map<string, string>();
      for (const l of state.config?.labels ?? []) {
        const eq = l.indexOf("=");
        if (eq > 0) labels.set(l.slice(0, eq), l.slice(eq + 1));
      }
      const info: ContainerInfo = { id };
      const name = labels.get("io.kubernetes.cri.container-name") ?? labels.get("io.kubernetes.container.name") ?? labels.get("bulwark.container.name");
      const image = labels.get("io.kubernetes.cri.image-name") ?? labels.get("org.opencontainers.image.ref.name") ?? labels.get("bulwark.image") ?? labels.get("io.container.manager.image");
      if (name) info.name = name;
      if (image) info.image = image;
      return info;
    } catch {
      return { id };
    }
  }
  return undefined;
}

/** A process from /proc (for ancestors the watcher did not see start). */
export function procInfo(pid: number): ProcessInfo | undefined {
  const stat = readCapped(`/proc/${pid}/stat`, 4096);
  if (!stat) return undefined;
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = stat.slice(close + 2).split(" ");
  const info: ProcessInfo = { pid, name: stat.slice(open + 1, close), ppid: Number(rest[1]), sid: Number(rest[3]), tty: Number(rest[4]) };
  const cmd = readCapped(`/proc/${pid}/cmdline`, 8192);
  if (cmd) {
    const argv = cmd.split("\0");
    if (argv[argv.length - 1] === "") argv.pop();
    info.exe = argv[0] ?? info.name;
    info.args = argv.slice(1);
  }
  try {
    info.exepath = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // Kernel thread or gone.
  }
  return info;
}

/** uid → name from a passwd file (bounded), cached per file. */
class Passwd {
  private readonly cache = new Map<string, { at: number; users: Map<number, string> }>();
  /** `key` names what the file belongs to (a container's /etc/passwd is read through any of its processes). */
  lookup(file: string, id: number, key = file): string | undefined {
    let c = this.cache.get(key);
    if (!c || Date.now() - c.at > 30_000) {
      const users = new Map<number, string>();
      const text = readCapped(file, 1 << 20);
      // The process may be gone: try again with the next one rather than remember nothing.
      if (text === undefined) return c?.users.get(id);
      for (const line of text.split("\n")) {
        const f = line.split(":");
        if (f.length >= 3 && f[0]) users.set(Number(f[2]), f[0]);
      }
      c = { at: Date.now(), users };
      if (this.cache.size > 256) this.cache.clear();
      this.cache.set(key, c);
    }
    return c.users.get(id);
  }
}

/**
 * The FieldContext of the live host: a process table fed by exec events (bounded LRU), /proc for
 * the rest; containers by id from runc state (plus what the caller registers: images, file
 * indexes for the drift rule).
 */
export class HostContext implements FieldContext {
  readonly hostname: string;
  private readonly procs = new Map<number, ProcessInfo & { seen: number }>();
  private readonly containers = new Map<string, ContainerInfo | null>();
  private readonly passwd = new Passwd();

  constructor(
    private readonly opts: { maxProcs?: number; runcRoots?: string[]; procfs?: boolean; hostname?: string; imageFiles?: (containerId: string) => ImageFileIndex | undefined } = {},
  ) {
    this.hostname = opts.hostname ?? (readCapped("/proc/sys/kernel/hostname", 256)?.trim() || "localhost");
  }

  /** Records a process from its exec event (what later events of its children will look up). */
  noteExec(ev: SyscallEvent): void {
    const max = this.opts.maxProcs ?? 32_768;
    if (this.procs.size >= max) {
      // Drop the oldest eighth: Map keeps insertion order.
      let n = max >> 3;
      for (const k of this.procs.keys()) {
        if (n-- <= 0) break;
        this.procs.delete(k);
      }
    }
    this.procs.delete(ev.proc.pid);
    this.procs.set(ev.proc.pid, { ...ev.proc, seen: ev.time });
  }

  /** Fills an event's process from the table (open/connect events carry no argv). */
  enrich(ev: SyscallEvent): void {
    if (ev.type === "execve" || ev.proc.args !== undefined) return;
    const p = this.procs.get(ev.proc.pid);
    if (!p) return;
    if (p.exe !== undefined) ev.proc.exe = p.exe;
    if (p.exepath !== undefined) ev.proc.exepath = p.exepath;
    if (p.args !== undefined) ev.proc.args = p.args;
  }

  process(pid: number): ProcessInfo | undefined {
    const p = this.procs.get(pid);
    if (p) return p;
    if (this.opts.procfs === false || pid <= 0) return undefined;
    const info = procInfo(pid);
    if (info) this.procs.set(pid, { ...info, seen: Date.now() });
    return info;
  }

  ancestor(ev: SyscallEvent, n: number): ProcessInfo | undefined {
    let ppid = ev.proc.ppid;
    let cur: ProcessInfo | undefined;
    for (let i = 1; i <= n; i++) {
      if (ppid === undefined || ppid <= 0) return undefined;
      cur = this.process(ppid);
      if (!cur) {
        // The parent is gone; the event still carries its comm.
        if (i === 1 && ev.proc.pname) return { pid: ppid, name: ev.proc.pname };
        return undefined;
      }
      ppid = cur.ppid;
    }
    return cur;
  }

  /** Registers what the caller knows of a container (image reference, image file index). */
  registerContainer(info: ContainerInfo): void {
    const prev = this.container(info.id);
    this.containers.set(info.id, { ...(prev ?? {}), ...info });
  }

  container(id: string): ContainerInfo | undefined {
    let c = this.containers.get(id);
    if (c === undefined) {
      c = runcContainerInfo(id, this.opts.runcRoots) ?? null;
      if (this.containers.size > 4096) this.containers.clear();
      this.containers.set(id, c);
    }
    // The image index may become ready later (built in the background): ask until it is there.
    if (!c?.imageFiles && this.opts.imageFiles) {
      const files = this.opts.imageFiles(id);
      if (files) {
        c = { ...(c ?? { id }), imageFiles: files };
        this.containers.set(id, c);
      }
    }
    return c ?? undefined;
  }

  setImageFiles(id: string, files: ImageFileIndex): void {
    this.registerContainer({ ...(this.container(id) ?? { id }), imageFiles: files });
  }

  userName(uid: number, ev: SyscallEvent): string | undefined {
    if (ev.containerId) {
      const n = this.passwd.lookup(`/proc/${ev.proc.pid}/root/etc/passwd`, uid, `${ev.containerId}:passwd`);
      if (n) return n;
      return uid === 0 ? "root" : undefined;
    }
    return this.passwd.lookup("/etc/passwd", uid);
  }

  groupName(gid: number, ev: SyscallEvent): string | undefined {
    return ev.containerId ? this.passwd.lookup(`/proc/${ev.proc.pid}/root/etc/group`, gid, `${ev.containerId}:group`) : this.passwd.lookup("/etc/group", gid);
  }
}
