// Finding a running container: a runc id (runc's state root), a containerd task (containerd's
// runc state root, one directory per namespace), a podman container (`podman inspect`), or
// `pid:N`. What comes back is where its live filesystem is read, which paths are mounts to skip
// and, when the runtime recorded it, the image it was started from.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";

export type Runtime = "runc" | "containerd" | "podman" | "pid";

export interface ContainerInfo {
  runtime: Runtime;
  /** Container id (for `pid:N`, "pid:N"). */
  id: string;
  /** Host PID of the container's init process; undefined when it is not running. */
  pid?: number;
  /** Where the live filesystem is read: /proc/PID/root while it runs, else the rootfs. */
  root: string;
  /** Root filesystem as the runtime records it (host path). */
  rootfs?: string;
  bundle?: string;
  /** containerd namespace. */
  namespace?: string;
  /** Image the runtime recorded, as a Bulwark target (podman: a saved archive is made from it). */
  image?: string;
  /** Podman's image id (for `podman save`). */
  podmanImageId?: string;
  annotations: Record<string, string>;
  /** Mount points inside the container other than its root (absolute, container view). */
  mounts: string[];
  /** Filesystem type of each mount point, when known from mountinfo. */
  mountTypes: Record<string, string>;
  /** uid/gid maps of the container's user namespace (host → container), when it has one. */
  uidMap?: IdMap[];
  gidMap?: IdMap[];
}

export interface IdMap {
  inside: number;
  outside: number;
  count: number;
}

export interface ResolveOptions {
  /** runc state roots to look in (default /run/runc). */
  runcRoots?: string[];
  /** containerd's runc state root (default /run/containerd/runc, one directory per namespace). */
  containerdRoot?: string;
  /** Look the id up with podman (when podman is on PATH; default true). */
  podman?: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Image-name annotations runtimes and orchestrators write into the OCI spec. */
const IMAGE_ANNOTATIONS = ["io.kubernetes.cri.image-name", "io.containerd.image.name", "org.opencontainers.image.ref.name.full", "io.podman.image.name"];

interface RuncStateFile {
  id?: string;
  init_process_pid?: number;
  init_process_start?: number;
  config?: {
    rootfs?: string;
    labels?: string[];
    mounts?: { destination?: string; device?: string }[];
  };
}

/** State (field 3) and start time (field 22, clock ticks) from /proc/PID/stat, or undefined. */
function procStat(pid: number): { state: string; start: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function readIdMap(file: string): IdMap[] | undefined {
  try {
    const maps = readFileSync(file, "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number)).filter((f) => f.length === 3 && f.every(Number.isSafeInteger))
      .map(([inside, outside, count]) => ({ inside: inside!, outside: outside!, count: count! }));
    // The initial user namespace maps everything to itself: no translation needed.
    if (maps.length === 1 && maps[0]!.inside === 0 && maps[0]!.outside === 0 && maps[0]!.count === 4294967295) return undefined;
    return maps;
  } catch {
    return undefined;
  }
}

/** Unescapes mountinfo's octal escapes (\040 for a space, …). */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Mount points of a process (its own view), except its root; with their filesystem types. */
export function processMounts(pid: number): { mounts: string[]; types: Record<string, string> } {
  const mounts: string[] = [];
  const types: Record<string, string> = {};
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/mountinfo`, "utf8");
  } catch {
    return { mounts, types };
  }
  for (const line of text.split("\n")) {
    if (!line) continue;
    const fields = line.split(" ");
    const point = unescape(fields[4] ?? "");
    const sep = fields.indexOf("-");
    const fstype = sep > 0 ? (fields[sep + 1] ?? "") : "";
    if (!point.startsWith("/") || point === "/") continue;
    if (!(point in types)) mounts.push(point);
    types[point] = fstype;
  }
  return { mounts, types };
}

function parseLabels(labels: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels ?? []) {
    const eq = l.indexOf("=");
    if (eq > 0) out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

function alive(pid: number | undefined, start: number | undefined): pid is number {
  if (!pid) return false;
  const st = procStat(pid);
  // A zombie (killed, not yet reaped) has no root any more; a recycled PID is another process
  // (runc records the init process's start time).
  if (!st || st.state === "Z" || st.state === "X") return false;
  return start === undefined || st.start === start;
}

function fromRuncState(file: string, runtime: Runtime, id: string, extra: Partial<ContainerInfo> = {}): ContainerInfo {
  let state: RuncStateFile;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as RuncStateFile;
  } catch (e) {
    throw new UserError("INPUT", `${file}: unreadable runc state (${e instanceof Error ? e.message : String(e)})`);
  }
  const labels = parseLabels(state.config?.labels);
  const bundle = labels["bundle"];
  delete labels["bundle"];
  const pid = alive(state.init_process_pid, state.init_process_start) ? state.init_process_pid : undefined;
  const rootfs = state.config?.rootfs;
  const info: ContainerInfo = {
    runtime,
    id,
    root: pid !== undefined ? `/proc/${pid}/root` : (rootfs ?? ""),
    annotations: labels,
    mounts: [],
    mountTypes: {},
    ...extra,
  };
  if (pid !== undefined) info.pid = pid;
  if (rootfs) info.rootfs = rootfs;
  if (bundle) info.bundle = bundle;
  const image = IMAGE_ANNOTATIONS.map((k) => labels[k]).find((v) => v);
  if (image && !info.image) info.image = image;
  if (!info.root) throw new UserError("INPUT", `${runtime} container ${id} is not running and its state names no root filesystem`);
  finishMounts(info, (state.config?.mounts ?? []).map((m) => m.destination ?? "").filter((d) => d.startsWith("/") && d !== "/"));
  return info;
}

function finishMounts(info: ContainerInfo, configured: string[]): void {
  if (info.pid !== undefined) {
    const { mounts, types } = processMounts(info.pid);
    info.mounts = mounts;
    info.mountTypes = types;
    const uid = readIdMap(`/proc/${info.pid}/uid_map`);
    const gid = readIdMap(`/proc/${info.pid}/gid_map`);
    if (uid) info.uidMap = uid;
    if (gid) info.gidMap = gid;
  } else {
    // Not running: the configured mounts (the rootfs holds only their empty mount points).
    info.mounts = [...new Set(configured)];
  }
}

function podmanInspect(id: string): Promise<ContainerInfo | undefined> {
  return new Promise((resolve) => {
    execFile("podman", ["container", "inspect", id], { timeout: 30_000, maxBuffer: 16 * 2 ** 20 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const arr = JSON.parse(stdout) as {
          Id: string; State?: { Pid?: number; Running?: boolean }; Image?: string; ImageName?: string; Rootfs?: string;
          GraphDriver?: { Data?: { MergedDir?: string; UpperDir?: string } }; Mounts?: { Destination?: string }[]; Config?: { Annotations?: Record<string, string> };
        }[];
        const c = arr[0];
        if (!c) return resolve(undefined);
        const pid = c.State?.Running && c.State.Pid ? c.State.Pid : undefined;
        const rootfs = c.Rootfs || c.GraphDriver?.Data?.MergedDir;
        const info: ContainerInfo = {
          runtime: "podman",
          id: c.Id,
          root: pid !== undefined ? `/proc/${pid}/root` : (rootfs ?? ""),
          annotations: c.Config?.Annotations ?? {},
          mounts: [],
          mountTypes: {},
        };
        if (pid !== undefined) info.pid = pid;
        if (rootfs) info.rootfs = rootfs;
        if (c.Image) info.podmanImageId = c.Image;
        if (c.ImageName) info.image = c.ImageName;
        finishMounts(info, (c.Mounts ?? []).map((m) => m.Destination ?? "").filter((d) => d.startsWith("/") && d !== "/"));
        resolve(info.root ? info : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

function onPath(program: string): boolean {
  return (process.env["PATH"] ?? "").split(":").some((d) => {
    try {
      return d !== "" && statSync(join(d, program)).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Finds a container by runc id, containerd id, podman id or name, or `pid:N`. Throws a one-line
 * UserError naming where it looked when there is no such container.
 */
export async function resolveContainer(spec: string, opts: ResolveOptions = {}): Promise<ContainerInfo> {
  if (spec.startsWith("pid:")) {
    const n = spec.slice(4);
    if (!/^[1-9][0-9]{0,9}$/.test(n)) throw new UserError("USAGE", `${spec}: pid: takes a process id (pid:1234)`);
    const pid = Number(n);
    if (!existsSync(`/proc/${pid}`)) throw new UserError("NOT_FOUND", `${spec}: no such process`);
    const info: ContainerInfo = { runtime: "pid", id: spec, pid, root: `/proc/${pid}/root`, annotations: {}, mounts: [], mountTypes: {} };
    finishMounts(info, []);
    return info;
  }
  if (!ID.test(spec)) throw new UserError("USAGE", `${JSON.stringify(spec)}: not a container id (letters, digits, _ . -) nor pid:N`);
  const runcRoots = opts.runcRoots ?? ["/run/runc"];
  const usePodman = opts.podman !== false && onPath("podman");
  for (const root of runcRoots) {
    const file = join(root, spec, "state.json");
    if (!existsSync(file)) continue;
    const info = fromRuncState(file, "runc", spec);
    // Podman runs runc with its default state root: ask podman for the image it recorded.
    if (usePodman && info.annotations["io.container.manager"] === "libpod") {
      const pod = await podmanInspect(spec);
      if (pod) return pod;
    }
    return info;
  }
  const ctr = opts.containerdRoot ?? "/run/containerd/runc";
  let namespaces: string[] = [];
  try {
    namespaces = readdirSync(ctr);
  } catch {
    // No containerd on this host.
  }
  for (const ns of namespaces) {
    const file = join(ctr, ns, spec, "state.json");
    if (existsSync(file)) return fromRuncState(file, "containerd", spec, { namespace: ns });
  }
  if (usePodman) {
    const info = await podmanInspect(spec);
    if (info) return info;
  }
  const looked = [...runcRoots, `${ctr}/<namespace>`, ...(usePodman ? ["podman"] : [])].join(", ");
  throw new UserError("NOT_FOUND", `no container ${spec} (looked in ${looked}); give a runc, containerd or podman id, or pid:N`);
}
