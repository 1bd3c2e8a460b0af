// Basic auth against a real registry configured with htpasswd.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRegistryImage, pushImage } from "../../src/image/registry/index.js";
import { buildImage, type BuiltImage } from "../support/image-builder.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { caught, expectSameImage } from "./helpers.js";

const reason = missingTool("registry basic-auth tests", REGISTRY_AUTH_TOOLS);

const user = "bwuser";
const password = "S3cret-pa55word!";
const fast = { retry: { baseDelayMs: 5 } };

describe.skipIf(reason !== undefined)("basic auth on a real registry", () => {
  let registry: RegistryServer;
  let image: BuiltImage;
  let dir: string;
  let ref: string;

  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { user, password } });
    dir = mkdtempSync(join(tmpdir(), "bw-auth-"));
    image = await buildImage({ layers: [{ entries: [{ path: "secret.txt", content: "data" }], createdBy: "COPY secret.txt /" }] });
    ref = `${registry.host}/private/app:1`;
    await pushImage(ref, image, { ...fast, username: user, password });
  });
  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("pulls with username and password options", async () => {
    const pulled = await openRegistryImage(ref, { ...fast, username: user, password });
    await expectSameImage(pulled, image);
    await pulled.close();
  });

  it("pulls with credentials from a docker config.json", async () => {
    const config = join(dir, "config.json");
    const auth = Buffer.from(`${user}:${password}`).toString("base64");
    writeFileSync(config, JSON.stringify({ auths: { [`http://${registry.host}`]: { auth } } }));
    const pulled = await openRegistryImage(ref, { ...fast, dockerConfigPath: config });
    await expectSameImage(pulled, image);
    await pulled.close();

    // username/password fields work too, and a directory holding config.json.
    const sub = join(dir, "plain");
    rmSync(sub, { recursive: true, force: true });
    mkdirSync(sub);
    writeFileSync(join(sub, "config.json"), JSON.stringify({ auths: { [registry.host]: { username: user, password } } }));
    const again = await openRegistryImage(ref, { ...fast, dockerConfigPath: sub });
    expect(again.configDigest).toBe(image.config.digest);
    await again.close();
  });

  it("refuses a wrong password with AUTH, without revealing it", async () => {
    const wrong = "Wr0ng-pa55word-XYZ";
    const log: string[] = [];
    const err = await caught(openRegistryImage(ref, { ...fast, username: user, password: wrong, log: (l) => log.push(l) }));
    expect(err.code).toBe("AUTH");
    expect(err.message).toContain(`authentication failed for ${registry.host}/private/app`);
    const secrets = [wrong, password, Buffer.from(`${user}:${wrong}`).toString("base64")];
    for (const s of secrets) {
      expect(err.message).not.toContain(s);
      expect(String(err.stack)).not.toContain(s);
      for (const line of log) expect(line).not.toContain(s);
    }
    expect(log.length).toBeGreaterThan(0);
  });

  it("says access is denied when no credentials are found", async () => {
    const config = join(dir, "empty.json");
    writeFileSync(config, JSON.stringify({ auths: {} }));
    const err = await caught(openRegistryImage(ref, { ...fast, dockerConfigPath: config }));
    expect(err.code).toBe("AUTH");
    expect(err.message).toContain("access denied");
    expect(err.message).toContain("none were found");
  });

  it("refuses a push with a wrong password", async () => {
    const err = await caught(pushImage(`${registry.host}/private/other:1`, image, { ...fast, username: user, password: "nope-nope" }));
    expect(err.code).toBe("AUTH");
    expect(err.message).not.toContain("nope-nope");
  });
});
