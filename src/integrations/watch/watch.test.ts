// Watches against a real docker-registry: listing with credentials and globs, and the
// registry's own notifications (its `notifications:` config posting to a local receiver) read
// into the digests to scan.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../image/registry/push.js";
import { buildImage, type BuiltImage } from "../../../test/support/image-builder.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../../../test/support/registry-server.js";
import { missingTool } from "../../../test/support/tools.js";
import { parsePushEvents } from "./events.js";
import { listWatch } from "./list.js";

const digestA = `sha256:${"a1".repeat(32)}`;

describe("push event payloads", () => {
  it("Harbor PUSH_ARTIFACT gives the pushed digest; other events and bad names are ignored", () => {
    const harbor = { type: "PUSH_ARTIFACT", occur_at: 1733572800, operator: "admin", event_data: { resources: [{ digest: digestA, tag: "v1", resource_url: "harbor.example.com/library/app:v1" }, { digest: "sha256:bad", tag: "x" }], repository: { name: "app", namespace: "library", repo_full_name: "library/app", repo_type: "private" } } };
    expect(parsePushEvents(harbor)).toEqual({ source: "harbor", images: [{ repository: "library/app", digest: digestA, tag: "v1" }], ignored: 1 });
    expect(parsePushEvents({ ...harbor, type: "PULL_ARTIFACT" })!.images).toEqual([]);
    expect(parsePushEvents({ ...harbor, event_data: { ...harbor.event_data, repository: { repo_full_name: "../../etc" } } })!.images).toEqual([]);
    expect(parsePushEvents("nope")).toBeUndefined();
    expect(parsePushEvents({ hello: 1 })).toBeUndefined();
  });
});

describe.skipIf(missingTool("registry watch tests", REGISTRY_AUTH_TOOLS) !== undefined)("watches with a real registry", () => {
  let reg: RegistryServer;
  let receiver: http.Server;
  const bodies: { auth: string | undefined; type: string | undefined; body: unknown }[] = [];
  const images: BuiltImage[] = [];
  const user = { user: "watcher", password: "w4tch-Pa55" };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        bodies.push({ auth: req.headers.authorization, type: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    reg = await startRegistry({
      htpasswd: user,
      config: ["notifications:", "  endpoints:", "    - name: bulwark", `      url: http://127.0.0.1:${port}/api/v1/watches/w1/events`, "      headers:", '        Authorization: ["Bearer watch-secret"]', "      timeout: 2s", "      threshold: 3", "      backoff: 1s"],
    });
    for (let i = 0; i < 3; i++) images.push(await buildImage({ layers: [{ entries: [{ path: `etc/app-${i}`, content: `app ${i}\n` }] }] }, "oci"));
    const auth = { username: user.user, password: user.password };
    await pushImage(`${reg.host}/team/api:1.0`, images[0]!, auth);
    await pushImage(`${reg.host}/team/api:1.1`, images[1]!, auth);
    await pushImage(`${reg.host}/team/api:latest`, images[1]!, auth);
    await pushImage(`${reg.host}/other/db:15`, images[2]!, auth);
  });
  afterAll(async () => {
    await reg?.stop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  it("lists repositories by glob and resolves tags to digests, once per digest", async () => {
    const all = await listWatch({ registry: reg.host, repositories: [], tags: [], insecure: false }, { username: user.user, password: user.password });
    expect(all.errors).toEqual([]);
    const got = all.images.map((i) => `${i.repository}@${i.digest}`).sort();
    const want = [`team/api@${images[0]!.manifest.digest}`, `team/api@${images[1]!.manifest.digest}`, `other/db@${images[2]!.manifest.digest}`].sort();
    expect(got).toEqual(want);
    const team = await listWatch({ registry: reg.host, repositories: ["team/*"], tags: ["1.*"], insecure: false }, { username: user.user, password: user.password });
    expect(team.images.map((i) => i.digest).sort()).toEqual([images[0]!.manifest.digest, images[1]!.manifest.digest].sort());
    expect(team.images.every((i) => i.repository === "team/api")).toBe(true);
  });

  it("without credentials the listing fails with a clear error, and no password is shown", async () => {
    const r = await listWatch({ registry: reg.host, repositories: ["team/api"], tags: [], insecure: false }, undefined, { retry: { attempts: 1 } });
    expect(r.images).toEqual([]);
    expect(r.errors[0]!.message).toMatch(/denied|unauthorized|credentials/i);
    await expect(listWatch({ registry: reg.host, repositories: [], tags: [], insecure: false }, { username: user.user, password: "wrong-pw-123" }, { retry: { attempts: 1 } })).rejects.toThrow(/denied|unauthorized|credentials/i);
    expect(JSON.stringify(r)).not.toContain(user.password);
  });

  it("the registry's own notifications parse into the pushed manifests", async () => {
    const deadline = Date.now() + 20_000;
    const pushed = () => bodies.flatMap((b) => parsePushEvents(b.body)?.images ?? []);
    while (Date.now() < deadline && new Set(pushed().map((i) => i.digest)).size < 3) await new Promise((r) => setTimeout(r, 100));
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies[0]!.auth).toBe("Bearer watch-secret");
    expect(bodies[0]!.type).toMatch(/application\/vnd\.docker\.distribution\.events\.v1\+json/);
    expect(bodies.every((b) => parsePushEvents(b.body)?.source === "distribution")).toBe(true);
    const digests = new Set(pushed().map((i) => `${i.repository}@${i.digest}`));
    expect([...digests].sort()).toEqual([`team/api@${images[0]!.manifest.digest}`, `team/api@${images[1]!.manifest.digest}`, `other/db@${images[2]!.manifest.digest}`].sort());
    // Blob uploads are events too; they are not images.
    const ignored = bodies.reduce((n, b) => n + parsePushEvents(b.body)!.ignored, 0);
    expect(ignored).toBeGreaterThan(0);
  });
});
