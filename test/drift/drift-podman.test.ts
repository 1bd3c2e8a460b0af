// Drift of a podman container: the image is found from podman's own record (`podman inspect`,
// then `podman image save`), no --image. The image is loaded from a test docker archive and the
// container runs without network, so nothing is pulled.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftFor, type DriftReport } from "../../src/drift/index.js";
import { buildImage, writeDockerArchive } from "../support/image-builder.js";
import { busyboxLayer, missingRunc } from "../support/runc-container.js";
import { missingTool } from "../support/tools.js";

const podman = (args: string[]): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync("podman", args, { encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
};

describe.skipIf(missingRunc("podman drift test") !== undefined || missingTool("podman drift test", "podman") !== undefined)("bulwark drift on a podman container", () => {
  const work = mkdtempSync(join(tmpdir(), "bw-drift-podman-"));
  const tag = `localhost/bulwark-drift-test:${process.pid}`;
  let id = "";

  beforeAll(async () => {
    const img = await buildImage({ tags: [tag], layers: [busyboxLayer([{ path: "etc/app.conf", content: "a=1\n" }])] }, "docker");
    await writeDockerArchive(join(work, "img.tar"), [img]);
    const load = podman(["load", "-i", join(work, "img.tar")]);
    expect(load.code, load.stderr).toBe(0);
    // Podman raises RLIMIT_NOFILE and RLIMIT_NPROC otherwise, which fails where the machine
    // withholds CAP_SYS_RESOURCE (as this test VM does): ask for modest ones.
    const ulimit = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];
    const run = podman(["run", "-d", "--network", "none", "--pull", "never", ...ulimit, tag, "sleep", "600"]);
    expect(run.code, run.stderr).toBe(0);
    id = run.stdout.trim();
    const ex = podman(["exec", id, "sh", "-c", "cp /bin/busybox /bin/extra && echo b=2 >> /etc/app.conf"]);
    expect(ex.code, ex.stderr).toBe(0);
  }, 300_000);
  afterAll(() => {
    if (id) podman(["rm", "-f", "-t", "0", id]);
    podman(["rmi", "-f", tag]);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it("finds the container and its image through podman and reports the changes", async () => {
    const report: DriftReport = await driftFor(id.slice(0, 12));
    expect(report.container.runtime).toBe("podman");
    expect(report.container.id).toBe(id);
    expect(report.image.from).toBe("runtime");
    expect(report.image.target).toBe(tag);
    // Podman itself bind-mounts /etc/hosts, /etc/hostname, /run/.containerenv (skipped as
    // mounts) and, when the image lacks them, creates /etc/mtab and the /run mount point at
    // creation: those are real differences from the image and reported as such.
    expect(report.changes.map((x) => [x.change, x.path, x.severity])).toEqual([
      ["added", "/bin/extra", "HIGH"],
      ["modified", "/etc/app.conf", "LOW"],
      ["added", "/etc/mtab", "LOW"],
      ["added", "/run", "LOW"],
    ]);
    expect(report.skipped.map((x) => x.path)).toEqual(expect.arrayContaining(["/etc/hosts", "/etc/hostname", "/run/.containerenv", "/proc"]));
  });
});
