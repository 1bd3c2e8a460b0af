// The runc container helper itself: a real container from a test image, checked through runc's
// own state, /proc and the cgroup v2 hierarchy.
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, writeOciLayout } from "../support/image-builder.js";
import { busyboxLayer, missingRunc, runcState, startRuncContainer, type RuncContainer } from "../support/runc-container.js";

describe.skipIf(missingRunc("runc container helper tests") !== undefined)("runc container helper", () => {
  const work = mkdtempSync(join(tmpdir(), "bw-runc-helper-"));
  let c: RuncContainer;

  beforeAll(async () => {
    const img = await buildImage({ tags: ["v1"], layers: [busyboxLayer([{ path: "etc/motd", content: "from the image\n" }])] });
    writeOciLayout(join(work, "layout"), [img]);
    writeFileSync(join(work, "vol.txt"), "on the host\n");
    c = await startRuncContainer({
      image: { layout: join(work, "layout"), ref: "v1" },
      mounts: [{ source: work, destination: "/data" }],
      annotations: { "org.opencontainers.image.ref.name": "v1" },
    });
  });
  afterAll(async () => {
    await c?.delete();
    rmSync(work, { recursive: true, force: true });
  });

  it("runs from the unpacked image with its pid, cgroup and annotations in runc's state", async () => {
    const s = runcState(c.id);
    expect(s?.status).toBe("running");
    expect(s?.pid).toBe(c.pid);
    expect(readlinkSync(`/proc/${c.pid}/exe`)).not.toBe(process.execPath);
    expect(readFileSync(`/proc/${c.pid}/cmdline`, "utf8").split("\0")[0]).toBe("sleep");
    const v2 = readFileSync(`/proc/${c.pid}/cgroup`, "utf8").split("\n").find((l) => l.startsWith("0::"));
    expect(v2?.split("/").at(-1)).toBe(c.id);
    const state = JSON.parse(readFileSync(`/run/runc/${c.id}/state.json`, "utf8")) as { config: { labels: string[] } };
    expect(state.config.labels).toContain("org.opencontainers.image.ref.name=v1");
    expect(readFileSync(join(`/proc/${c.pid}/root`, "etc/motd"), "utf8")).toBe("from the image\n");
  });

  it("execs in the container (own mount and network namespaces, the bind mount visible)", async () => {
    const r = await c.exec(["sh", "-c", "cat /etc/motd; cat /data/vol.txt; echo new > /tmp/x; exit 3"]);
    expect(r).toMatchObject({ code: 3, stdout: "from the image\non the host\n" });
    expect(readFileSync(join(c.rootfs, "tmp/x"), "utf8")).toBe("new\n");
    expect(readlinkSync(`/proc/${c.pid}/ns/mnt`)).not.toBe(readlinkSync("/proc/self/ns/mnt"));
    expect(readlinkSync(`/proc/${c.pid}/ns/net`)).not.toBe(readlinkSync("/proc/self/ns/net"));
    const input = await c.exec(["cat"], { input: "piped" });
    expect(input.stdout).toBe("piped");
  });

  it("kills and deletes (runc forgets it, the bundle is gone)", async () => {
    const other = await startRuncContainer({ rootfs: c.rootfs, args: ["sh", "-c", "echo started; sleep 600"] });
    for (let i = 0; i < 50 && !other.logs().includes("started"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(other.logs()).toBe("started\n");
    await other.kill();
    expect(runcState(other.id)?.status).toBe("stopped");
    await other.delete();
    expect(runcState(other.id)).toBeUndefined();
    await other.delete();
  });
});
