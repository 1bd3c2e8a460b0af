// Drift with real runc containers: the test starts a container from a test image (unpacked by
// umoci), changes it from inside (`runc exec`), and `bulwark drift` must report exactly those
// changes. Cross-checks: the image index against umoci's own unpacking of the same image, the
// reported hash against sha256sum run in the container, the packages against the status file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftFor, imageFileIndex, type DriftReport, type IndexNode } from "../../src/drift/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage, writeOciLayout } from "../support/image-builder.js";
import { busyboxLayer, missingRunc, startRuncContainer, type RuncContainer } from "../support/runc-container.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const NEW_PKG = { name: "curl", version: "7.88.1-10+deb12u8" };

function bulwark(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every path of an index with what drift compares (type, mode, owner, size, hash, link). */
function flatten(root: IndexNode): Map<string, string> {
  const out = new Map<string, string>();
  const stack: [string, IndexNode][] = [["", root]];
  while (stack.length) {
    const [p, n] = stack.pop()!;
    for (const [name, c] of n.children ?? []) {
      const path = `${p}/${name}`;
      out.set(path, [c.type, c.mode.toString(8), c.uid, c.gid, c.type === "file" ? c.size : "", c.sha256 ?? "", c.link ?? ""].join(" "));
      stack.push([path, c]);
    }
  }
  return out;
}

describe.skipIf(missingRunc("drift tests") !== undefined)("bulwark drift with real runc containers", () => {
  const work = mkdtempSync(join(tmpdir(), "bw-drift-"));
  const layout = join(work, "layout");
  const volume = join(work, "volume");
  let c: RuncContainer;
  let report: DriftReport;

  beforeAll(async () => {
    const img = await buildImage({
      tags: ["v1"],
      layers: [
        busyboxLayer([
          { path: "etc/os-release", content: DEBIAN_OS_RELEASE },
          { path: "etc/app.conf", content: "port=80\n" },
          { path: "etc/remove-me", content: "bye\n" },
          { path: "etc/gone-in-layer-2", content: "x\n" },
          { path: "opt/", type: "dir" },
          { path: "opt/old/", type: "dir" },
          { path: "opt/old/lower.txt", content: "lower\n" },
          { path: "usr/", type: "dir" },
          { path: "usr/local/", type: "dir" },
          { path: "usr/local/bin/", type: "dir" },
          { path: "var/", type: "dir" },
          { path: "var/lib/", type: "dir" },
          { path: "var/lib/dpkg/", type: "dir" },
          { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) },
          { path: "data/", type: "dir" },
          { path: "data/in-image.txt", content: "hidden by the volume\n" },
        ]),
        {
          createdBy: "RUN layer 2",
          entries: [
            { path: "etc/.wh.gone-in-layer-2" },
            { path: "opt/old/.wh..wh..opq" },
            { path: "opt/old/upper.txt", content: "upper\n" },
            { path: "usr/local/bin/run.sh", content: "#!/bin/sh\necho run\n", mode: 0o755 },
            { path: "usr/local/bin/run-link", type: "link", linkname: "usr/local/bin/run.sh" },
          ],
        },
      ],
    });
    writeOciLayout(layout, [img]);
    mkdirSync(volume);
    c = await startRuncContainer({
      image: { layout, ref: "v1" },
      mounts: [{ source: volume, destination: "/data" }],
      capabilities: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE"],
    });
    const steps = [
      "cp /bin/busybox /usr/local/bin/tool",
      "echo debug=1 >> /etc/app.conf",
      "rm /etc/remove-me",
      `printf '\\n${dpkgStatus([NEW_PKG]).replace(/\n/g, "\\n")}' >> /var/lib/dpkg/status`,
      "echo volume-write > /data/written.txt",
      "mkdir -p /data/sub && cp /bin/busybox /data/sub/hidden-tool",
    ];
    for (const s of steps) {
      const r = await c.exec(["sh", "-c", s]);
      expect(r.code, `${s}: ${r.stderr}`).toBe(0);
    }
    report = await driftFor(c.id, { image: `oci:${layout}:v1` });
  });
  afterAll(async () => {
    await c?.delete();
    rmSync(work, { recursive: true, force: true });
  });

  it("indexes the image as umoci unpacks it (whiteouts, opaque directories, hard links)", async () => {
    const index = await imageFileIndex(`oci:${layout}:v1`);
    const unpacked = join(work, "unpacked");
    const r = spawnSync("umoci", ["unpack", "--image", `${layout}:v1`, unpacked], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const fromDir = await imageFileIndex(`rootfs:${join(unpacked, "rootfs")}`);
    const a = flatten(index.root);
    const b = flatten(fromDir.root);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [p, v] of a) expect(v, p).toBe(b.get(p));
    expect(a.has("/etc/gone-in-layer-2")).toBe(false);
    expect(a.has("/opt/old/lower.txt")).toBe(false);
    expect(a.get("/usr/local/bin/run-link")).toBe(a.get("/usr/local/bin/run.sh"));
    expect(index.packageDatabases.get("var/lib/dpkg/status")?.toString()).toBe(dpkgStatus(BASE_PKGS));
  });

  it("reports exactly the new binary (HIGH), the modified and deleted files and the package database", async () => {
    const got = report.changes.map((x) => [x.change, x.path, x.severity]);
    expect(got).toEqual([
      ["modified", "/etc/app.conf", "LOW"],
      ["deleted", "/etc/remove-me", "LOW"],
      ["added", "/usr/local/bin/tool", "HIGH"],
      ["modified", "/var/lib/dpkg/status", "MEDIUM"],
    ]);
    expect(report.summary).toEqual({ drift: true, added: 1, modified: 2, deleted: 1, high: 1, medium: 1, low: 2, packageDatabases: 1 });
    const tool = report.changes.find((x) => x.path === "/usr/local/bin/tool")!;
    expect(tool.elf).toBe("executable");
    const sum = await c.exec(["sha256sum", "/usr/local/bin/tool"]);
    expect(tool.after?.sha256).toBe(sum.stdout.split(" ")[0]);
    expect(tool.after).toMatchObject({ type: "file", mode: "0755", uid: 0, gid: 0, size: readFileSync("/bin/busybox").length });
    const conf = report.changes.find((x) => x.path === "/etc/app.conf")!;
    expect(conf.changed).toEqual(["content"]);
    expect(conf.before?.size).toBe("port=80\n".length);
    expect(conf.after?.size).toBe("port=80\ndebug=1\n".length);
    expect(report.packages).toEqual([{ path: "/var/lib/dpkg/status", analyzer: "os/dpkg", change: "modified", added: [{ ...NEW_PKG, arch: "amd64" }], removed: [], changed: [] }]);
  });

  it("skips the bind-mounted volume (writes there and the image files under it) and pseudo filesystems", () => {
    expect(report.changes.some((x) => x.path.startsWith("/data"))).toBe(false);
    expect(report.skipped).toContainEqual({ path: "/data", reason: "mount", fstype: expect.any(String) });
    expect(report.skipped).toContainEqual({ path: "/proc", reason: "pseudo", fstype: "proc" });
    expect(existsSync(join(volume, "sub/hidden-tool"))).toBe(true);
    expect(report.container).toMatchObject({ runtime: "runc", id: c.id, pid: c.pid, root: `/proc/${c.pid}/root`, rootfs: c.rootfs, bundle: c.bundle });
  });

  it("sees a chmod +s and a changed owner; a touched but unchanged file is not drift", async () => {
    const r = await c.exec(["sh", "-c", "chmod u+s /usr/local/bin/run.sh && chown 65534:65534 /etc/os-release && touch /etc/passwd"]);
    expect(r.code, r.stderr).toBe(0);
    const again = await driftFor(c.id, { image: `oci:${layout}:v1` });
    const run = again.changes.find((x) => x.path === "/usr/local/bin/run.sh");
    expect(run).toMatchObject({ change: "modified", severity: "HIGH", changed: ["mode"], before: { mode: "0755" }, after: { mode: "04755" } });
    expect(again.changes.find((x) => x.path === "/etc/os-release")).toMatchObject({ changed: ["owner"], after: { uid: 65534, gid: 65534 } });
    expect(again.changes.some((x) => x.path === "/etc/passwd")).toBe(false);
    // run-link is a hard link of run.sh in the image: the same inode, so the same new mode.
    expect(again.changes.find((x) => x.path === "/usr/local/bin/run-link")).toMatchObject({ severity: "HIGH", changed: ["mode"] });
    expect(again.summary.modified).toBe(5);
    const back = await c.exec(["sh", "-c", "chmod u-s /usr/local/bin/run.sh && chown 0:0 /etc/os-release"]);
    expect(back.code, back.stderr).toBe(0);
    const restored = await driftFor(c.id, { image: `oci:${layout}:v1` });
    expect(restored.changes.map((x) => x.path)).toEqual(report.changes.map((x) => x.path));
  });

  it("finds a containerd task in containerd's runc state layout, with the image from its CRI annotation", async () => {
    // containerd runs runc with --root <state>/runc/<namespace>; this is runc's own state there.
    const ctrRoot = join(work, "containerd-runc");
    const task = await startRuncContainer({
      rootfs: c.rootfs, runcRoot: join(ctrRoot, "k8s.io"), args: ["sleep", "600"],
      annotations: { "io.kubernetes.cri.image-name": `oci:${layout}:v1` },
    });
    try {
      const r = await driftFor(task.id, { containerdRoot: ctrRoot, podman: false });
      expect(r.container).toMatchObject({ runtime: "containerd", id: task.id, namespace: "k8s.io", pid: task.pid });
      expect(r.image).toMatchObject({ target: `oci:${layout}:v1`, from: "runtime" });
      expect(r.changes.map((x) => x.path)).toEqual(report.changes.map((x) => x.path));
    } finally {
      await task.delete();
    }
  });

  it("reads a stopped container's root filesystem from runc's state", async () => {
    const root = join(work, "runc-stopped");
    const stopped = await startRuncContainer({ rootfs: c.rootfs, runcRoot: root, args: ["sleep", "600"] });
    try {
      await stopped.kill();
      const r = await driftFor(stopped.id, { image: `oci:${layout}:v1`, runcRoots: [root], podman: false });
      expect(r.container).toMatchObject({ runtime: "runc", root: c.rootfs });
      expect(r.container.pid).toBeUndefined();
      expect(r.changes.map((x) => [x.change, x.path])).toEqual(report.changes.map((x) => [x.change, x.path]));
      expect(r.skipped.map((x) => x.path)).toEqual(expect.arrayContaining(["/proc", "/sys", "/dev"]));
    } finally {
      await stopped.delete();
    }
  });

  it("keeps at most maxChanges records and still counts every change", async () => {
    const r = await driftFor(c.id, { image: `oci:${layout}:v1`, maxChanges: 1 });
    expect(r.truncated).toBe(true);
    expect(r.changes).toHaveLength(1);
    expect(r.summary).toEqual(report.summary);
  });

  describe.skipIf(!existsSync(BIN))("CLI", () => {
    it("prints the JSON report and exits with --exit-code on drift", () => {
      const r = bulwark(["drift", c.id, "--image", `oci:${layout}:v1`, "--format", "json", "--exit-code", "3"]);
      expect(r.code, r.stderr).toBe(3);
      const json = JSON.parse(r.stdout) as DriftReport;
      expect(json.schema).toBe("bulwark.drift/v1");
      expect(json.changes.map((x) => x.path)).toEqual(report.changes.map((x) => x.path));
      expect(json.packages).toEqual(report.packages);
    });

    it("reads a bare process by pid: (mounts from its mountinfo)", () => {
      const r = bulwark(["drift", `pid:${c.pid}`, "--image", `oci:${layout}:v1`, "--format", "json"]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as DriftReport;
      expect(json.container).toMatchObject({ runtime: "pid", pid: c.pid });
      expect(json.changes.map((x) => [x.change, x.path])).toEqual(report.changes.map((x) => [x.change, x.path]));
    });

    it("table output names the HIGH change and the installed package", () => {
      const r = bulwark(["drift", c.id, "--image", `oci:${layout}:v1`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^HIGH +added +\/usr\/local\/bin\/tool +\(executable added after start\)$/m);
      expect(r.stdout).toContain(`+ ${NEW_PKG.name} ${NEW_PKG.version} amd64`);
    });

    it("fails in one line, exit 2, on an unknown id, a bad id, and plain runc without --image", () => {
      for (const [args, pattern] of [
        [["drift", "no-such-container-42"], /^bulwark: .*no container no-such-container-42 \(looked in \/run\/runc/],
        [["drift", "../etc"], /not a container id/],
        [["drift", "pid:abc"], /pid: takes a process id/],
        [["drift", c.id], /plain runc does not record the image .*--image TARGET/],
      ] as const) {
        const r = bulwark([...args]);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(pattern);
        expect(r.stdout).toBe("");
      }
    });
  });
});
