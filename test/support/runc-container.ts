// Real containers for tests: `runc` (Debian `runc`) run as root, from a test image unpacked by
// `umoci unpack` or from a root filesystem directory. No daemon: the container's state lives
// where runc keeps it (`/run/runc/<id>/state.json` by default), which is what `bulwark drift`
// and the runtime watcher read. The API is shared with the runtime tests: keep it stable.
//
//   const skip = missingRunc("drift tests");              // in describe.skipIf(skip !== undefined)
//   const img = await buildImage({ tags: ["t"], layers: [busyboxLayer()] });
//   writeOciLayout(layout, [img]);
//   const c = await startRuncContainer({ image: { layout, ref: "t" } });   // runs `sleep 3600`
//   await c.exec(["sh", "-c", "echo x > /etc/x"]);
//   await c.delete();                                     // kill + runc delete + remove the bundle
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EntrySpec, LayerSpec } from "./image-builder.js";
import { MISSING_TOOL_MARK, findOnPath, missingOnHost, missingTool } from "./tools.js";

/** Where Debian's busybox-static installs its binary (statically linked: needs nothing else). */
export const BUSYBOX = "/bin/busybox";
/** runc's default state root (`runc --root`), where tools find containers by id. */
export const RUNC_ROOT = "/run/runc";

/** The tools the helper runs (for missingTool lines; packages are in TOOL_PACKAGES). */
export const RUNC_TOOLS = ["runc", "umoci", BUSYBOX];

/** Applets linked to busybox in busyboxLayer() (`busybox --list` has more; add when needed). */
export const BUSYBOX_APPLETS = [
  "sh", "ash", "cat", "cp", "mv", "rm", "ln", "ls", "mkdir", "rmdir", "chmod", "chown", "touch", "echo",
  "printf", "sleep", "true", "false", "id", "env", "grep", "sed", "head", "tail", "wc", "find", "stat",
  "sha256sum", "dd", "tr", "nc", "wget", "ps", "kill", "mount", "umount", "su", "test", "[", "uname",
  "hostname", "date", "tee", "xargs", "sync", "vi", "which", "readlink", "dirname", "basename",
];

function isStaticElf(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const h = Buffer.alloc(64);
    if (readSync(fd, h, 0, 64, 0) < 64 || h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return false;
    // ELF64 little-endian: program headers at e_phoff (0x20), e_phentsize (0x36), e_phnum (0x38).
    const phoff = Number(h.readBigUInt64LE(0x20));
    const phentsize = h.readUInt16LE(0x36);
    const phnum = h.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3 /* PT_INTERP */) return false;
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unifiedCgroupMount(): string | undefined {
  try {
    for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
      const sep = line.indexOf(" - ");
      if (sep < 0) continue;
      const fstype = line.slice(sep + 3).split(" ")[0];
      if (fstype === "cgroup2") return line.split(" ")[4];
    }
  } catch {
    // No procfs.
  }
  return undefined;
}

/**
 * Why tests needing real runc containers must skip, or undefined when they can run: runc, umoci
 * and a static busybox installed (missing-tool line, CI installs them), running as root and a
 * cgroup v2 hierarchy mounted (unified or hybrid: the runtime watcher names containers by their
 * cgroup v2 leaf), which no package provides.
 */
export function missingRunc(what: string): string | undefined {
  const tool = missingTool(what, RUNC_TOOLS);
  if (tool) return tool;
  if (!isStaticElf(BUSYBOX)) {
    const why = `${BUSYBOX} is not a statically linked busybox (apt-get install busybox-static)`;
    console.warn(`${what} ${MISSING_TOOL_MARK}: ${why}`);
    return why;
  }
  const root = missingOnHost(what, process.getuid?.() === 0, "runc containers need root");
  if (root) return root;
  return missingOnHost(what, unifiedCgroupMount() !== undefined, "no cgroup v2 hierarchy is mounted (runc containers are named by their cgroup v2 leaf)");
}

/**
 * A layer holding a static busybox as /bin/busybox with applet links in /bin, the directories a
 * container needs (proc, dev, sys, tmp), and /etc/passwd, /etc/group; `extra` entries are
 * appended. Use with buildImage(); the image runs `sleep`, `sh -c …` and friends.
 */
export function busyboxLayer(extra: EntrySpec[] = [], createdBy = "ADD busybox /"): LayerSpec {
  const entries: EntrySpec[] = [
    { path: "bin/", type: "dir" },
    { path: "bin/busybox", content: readFileSync(BUSYBOX), mode: 0o755 },
    ...BUSYBOX_APPLETS.map((a): EntrySpec => ({ path: `bin/${a}`, type: "symlink", linkname: "busybox" })),
    { path: "etc/", type: "dir" },
    { path: "etc/passwd", content: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" },
    { path: "etc/group", content: "root:x:0:\nnogroup:x:65534:\n" },
    { path: "root/", type: "dir", mode: 0o700 },
    { path: "tmp/", type: "dir", mode: 0o1777 },
    { path: "proc/", type: "dir" },
    { path: "dev/", type: "dir" },
    { path: "sys/", type: "dir" },
    ...extra,
  ];
  return { createdBy, entries };
}

export interface RuncMount {
  /** Host path (bind mounts) or filesystem source. */
  source: string;
  /** Path inside the container. */
  destination: string;
  readonly?: boolean;
  /** Default "bind" (with options rbind). */
  type?: string;
  options?: string[];
}

export interface RuncContainerOptions {
  /** An OCI image layout to unpack with `umoci unpack` (ref = the org.opencontainers.image.ref.name). */
  image?: { layout: string; ref: string };
  /** Or an existing root filesystem directory, used in place (not copied). */
  rootfs?: string;
  /** Container id; default `bulwark-test-<random>`. */
  id?: string;
  /** The container's process; default ["sleep", "3600"]. */
  args?: string[];
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid: number };
  /** "loopback" (default): a new network namespace with only lo; "host": the host's network. */
  network?: "loopback" | "host";
  mounts?: RuncMount[];
  /** Capabilities (bounding, effective, permitted) such as "CAP_SETUID"; default runc's three. */
  capabilities?: string[];
  noNewPrivileges?: boolean;
  readonlyRootfs?: boolean;
  /** OCI annotations (runc keeps them as `labels` "key=value" in state.json). */
  annotations?: Record<string, string>;
  /** runc state root (`runc --root`); default /run/runc. */
  runcRoot?: string;
  /** Parent directory for the bundle; default the system temp directory. */
  workDir?: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RuncContainer {
  id: string;
  /** Host PID of the container's init process. */
  pid: number;
  /** Bundle directory (config.json, and rootfs/ when unpacked from an image). */
  bundle: string;
  /** Root filesystem on the host. */
  rootfs: string;
  runcRoot: string;
  /** cgroup path of the container (cgroupsPath), its last element is the id. */
  cgroup: string;
  /** `runc exec` a process in the container; rejects on timeout only (non-zero exit is a result). */
  exec(args: string[], opts?: { input?: string | Buffer; env?: string[]; timeoutMs?: number; user?: { uid: number; gid: number } }): Promise<ExecResult>;
  /** The container's stdout and stderr so far (its init process writes to a file in the bundle). */
  logs(): string;
  /** `runc kill` (default SIGKILL) and wait until it is stopped. */
  kill(signal?: string): Promise<void>;
  /** Kills if needed, `runc delete --force`, removes the bundle (if created here). Idempotent. */
  delete(): Promise<void>;
}

function runc(root: string, args: string[], opts: { timeoutMs?: number } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("runc", ["--root", root, ...args], { encoding: "utf8", timeout: opts.timeoutMs ?? 30_000, stdio: ["ignore", "pipe", "pipe"] });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

function mustRunc(root: string, args: string[]): string {
  const r = runc(root, args);
  if (r.code !== 0) throw new Error(`runc ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `runc state` of a container, or undefined when runc does not know it. */
export function runcState(id: string, runcRoot = RUNC_ROOT): { pid: number; status: string; bundle: string; rootfs: string } | undefined {
  const r = runc(runcRoot, ["state", id]);
  if (r.code !== 0) return undefined;
  return JSON.parse(r.stdout) as { pid: number; status: string; bundle: string; rootfs: string };
}

/** Builds the OCI runtime config: `runc spec` defaults with the edits the tests need. */
function runtimeConfig(bundle: string, rootfs: string, id: string, o: RuncContainerOptions): Record<string, unknown> {
  const specDir = mkdtempSync(join(bundle, ".spec-"));
  spawnSync("runc", ["spec", "--bundle", specDir], { stdio: "ignore" });
  const file = join(specDir, "config.json");
  if (!existsSync(file)) throw new Error("runc spec wrote no config.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as {
    process: Record<string, unknown> & { capabilities?: Record<string, string[]>; env?: string[] };
    root: { path: string; readonly: boolean };
    mounts: RuncMount[];
    linux: Record<string, unknown> & { namespaces: { type: string }[] };
    annotations?: Record<string, string>;
    hostname?: string;
  };
  rmSync(specDir, { recursive: true, force: true });
  spec.process.terminal = false;
  spec.process.args = o.args ?? ["sleep", "3600"];
  if (o.env) spec.process.env = o.env;
  if (o.cwd) spec.process.cwd = o.cwd;
  if (o.user) spec.process.user = { uid: o.user.uid, gid: o.user.gid };
  if (o.noNewPrivileges !== undefined) spec.process.noNewPrivileges = o.noNewPrivileges;
  if (o.capabilities) {
    const caps = o.capabilities;
    spec.process.capabilities = { bounding: caps, effective: caps, permitted: caps, ambient: [] };
  }
  spec.root = { path: rootfs, readonly: o.readonlyRootfs ?? false };
  spec.hostname = id.slice(0, 63);
  const cgroup = `/bulwark/${id}`;
  spec.linux.cgroupsPath = cgroup;
  if (o.network === "host") spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== "network");
  for (const m of o.mounts ?? []) {
    const type = m.type ?? "bind";
    const options = m.options ?? (type === "bind" ? ["rbind", m.readonly ? "ro" : "rw"] : m.readonly ? ["ro"] : []);
    spec.mounts.push({ destination: m.destination, type, source: m.source, options });
  }
  if (o.annotations) spec.annotations = { ...spec.annotations, ...o.annotations };
  return spec as unknown as Record<string, unknown>;
}

/**
 * Starts a detached container (`runc run -d`, no terminal) and returns once it is running. The
 * init process's stdin is /dev/null and its stdout/stderr go to `<bundle>/container.log`.
 */
export async function startRuncContainer(o: RuncContainerOptions): Promise<RuncContainer> {
  if (!o.image === !o.rootfs) throw new Error("startRuncContainer: give exactly one of image or rootfs");
  const id = o.id ?? `bulwark-test-${randomBytes(6).toString("hex")}`;
  const runcRoot = o.runcRoot ?? RUNC_ROOT;
  const work = mkdtempSync(join(o.workDir ?? tmpdir(), "bw-runc-"));
  const bundle = join(work, "bundle");
  let rootfs: string;
  if (o.image) {
    const umoci = findOnPath("umoci") ?? "umoci";
    const r = spawnSync(umoci, ["unpack", "--image", `${o.image.layout}:${o.image.ref}`, bundle], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) {
      rmSync(work, { recursive: true, force: true });
      throw new Error(`umoci unpack failed (${r.status}): ${(r.stderr ?? "").trim()}`);
    }
    rootfs = join(bundle, "rootfs");
  } else {
    mkdirSync(bundle, { recursive: true });
    rootfs = o.rootfs!;
  }
  const config = runtimeConfig(bundle, rootfs, id, o);
  writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));
  const logFile = join(bundle, "container.log");
  const log = openSync(logFile, "a");
  let r;
  try {
    r = spawnSync("runc", ["--root", runcRoot, "run", "-d", "--bundle", bundle, id], { stdio: ["ignore", log, log], timeout: 60_000 });
  } finally {
    closeSync(log);
  }
  if (r.status !== 0) {
    runc(runcRoot, ["delete", "--force", id]);
    const out = existsSync(logFile) ? readFileSync(logFile, "utf8").trim() : "";
    rmSync(work, { recursive: true, force: true });
    throw new Error(`runc run ${id} failed (${r.status ?? r.error}): ${out}`);
  }
  const state = runcState(id, runcRoot);
  if (!state || state.status !== "running") {
    runc(runcRoot, ["delete", "--force", id]);
    rmSync(work, { recursive: true, force: true });
    throw new Error(`container ${id} is not running after runc run (${state?.status ?? "unknown"})`);
  }
  let deleted = false;
  const container: RuncContainer = {
    id,
    pid: state.pid,
    bundle,
    rootfs,
    runcRoot,
    cgroup: `/bulwark/${id}`,
    exec(args, eo = {}) {
      const flags: string[] = [];
      for (const e of eo.env ?? []) flags.push("--env", e);
      if (eo.user) flags.push("--user", `${eo.user.uid}:${eo.user.gid}`);
      return new Promise<ExecResult>((resolve, reject) => {
        const child = spawn("runc", ["--root", runcRoot, "exec", ...flags, id, ...args], { stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`runc exec ${args.join(" ")} timed out in ${id}`));
        }, eo.timeoutMs ?? 30_000);
        child.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.on("close", (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(eo.input ?? "");
      });
    },
    logs() {
      return existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    },
    async kill(signal = "KILL") {
      const s = runcState(id, runcRoot);
      if (!s || s.status === "stopped") return;
      runc(runcRoot, ["kill", id, signal]);
      for (let i = 0; i < 100; i++) {
        const now = runcState(id, runcRoot);
        if (!now || now.status === "stopped") return;
        await sleep(50);
      }
      throw new Error(`container ${id} did not stop after SIG${signal}`);
    },
    async delete() {
      if (deleted) return;
      deleted = true;
      try {
        await container.kill();
      } catch {
        // delete --force below kills what is left.
      }
      if (runcState(id, runcRoot)) mustRunc(runcRoot, ["delete", "--force", id]);
      rmSync(work, { recursive: true, force: true });
    },
  };
  return container;
}
