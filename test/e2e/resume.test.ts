// A layer download cut mid-way is resumed with a Range request against a real registry (Debian's
// docker-registry): a TCP relay in front of it drops the connection once, part-way through the
// large layer, as a flaky network or a proxy timeout would.
import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { scan } from "../../src/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const CUT_AFTER = 512 * 1024;

describe.skipIf(missingTool("resumed-download tests", REGISTRY_TOOLS) !== undefined)("resumed layer downloads (real registry)", () => {
  let reg: RegistryServer;
  let relay: Server;
  let relayHost: string;
  const sockets: Socket[] = [];
  let cut = false;
  let requests = "";

  beforeAll(async () => {
    reg = await startRegistry();
    // Random bytes do not compress: the layer blob is about 1.5 MB.
    const img = await buildImage({
      layers: [
        { createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] },
        { createdBy: "ADD blob /", entries: [{ path: "opt/blob.bin", content: randomBytes(1536 * 1024) }] },
      ],
    }, "docker");
    await pushImage(`${reg.host}/team/app:1.0`, img);
    const [host, port] = reg.host.split(":");
    relay = createServer((client) => {
      const upstream = connect(Number(port), host!);
      sockets.push(client, upstream);
      let relayed = 0;
      client.on("data", (d: Buffer) => {
        requests += d.toString("latin1");
        upstream.write(d);
      });
      upstream.on("data", (d: Buffer) => {
        relayed += d.length;
        client.write(d);
        if (!cut && relayed > CUT_AFTER) {
          cut = true;
          client.destroy();
          upstream.destroy();
        }
      });
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    relayHost = `127.0.0.1:${(relay.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => relay?.close(() => r()));
    await reg?.stop();
  });

  it("finishes the pull with a Range request and the same result", async () => {
    const direct = await scan(`${reg.host}/team/app:1.0`, { noCache: true });
    const r = await scan(`${relayHost}/team/app:1.0`, { noCache: true });
    expect(cut).toBe(true);
    expect(requests).toMatch(/\r\nrange: bytes=\d+-\r\n/i);
    expect(r.packages.map((p) => p.purl)).toEqual(direct.packages.map((p) => p.purl));
    expect(r.artifact.layers.map((l) => l.diffId)).toEqual(direct.artifact.layers.map((l) => l.diffId));
  });
});
