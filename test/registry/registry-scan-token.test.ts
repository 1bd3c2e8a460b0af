// registry scan against a real docker-registry configured for token auth (`auth: token:`), with a
// small token server made here: it checks Basic credentials and signs ES256 JWTs with a
// certificate made by openssl, which the registry trusts through its rootcertbundle. The catalog
// needs a token with the scope `registry:catalog:*`, repositories `repository:<name>:pull`.
import { execFileSync } from "node:child_process";
import { createPrivateKey, randomBytes, sign, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/index.js";
import { registryScan } from "../../src/index.js";
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool, toolPath } from "../support/tools.js";

const skipReason = missingTool("registry scan token-auth tests", ["docker-registry", "openssl"]);
const work = mkdtempSync(join(tmpdir(), "bw-regscan-token-"));
const fast = { retry: { attempts: 2, baseDelayMs: 5 } };
const ISSUER = "bulwark-test-issuer";
const SERVICE = "bulwark-registry";
const user = { user: "robot", password: "t0ken-Secret-31" };

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

describe.skipIf(skipReason !== undefined)("registry scan with token auth", () => {
  let reg: RegistryServer;
  let tokens: http.Server;
  const scopesAsked: string[] = [];

  beforeAll(async () => {
    const key = join(work, "token.key");
    const cert = join(work, "token.pem");
    execFileSync(toolPath("openssl"), ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=bulwark token signer"], { stdio: "ignore" });
    const privateKey = createPrivateKey(readFileSync(key));
    const der = new X509Certificate(readFileSync(cert)).raw;
    tokens = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://token");
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
      const authenticated = basic === `${user.user}:${user.password}`;
      if (req.headers.authorization && !authenticated) {
        res.writeHead(401).end();
        return;
      }
      const access = url.searchParams.getAll("scope").flatMap((s) => {
        scopesAsked.push(s);
        const [type, ...rest] = s.split(":");
        const actions = rest.pop()!.split(",");
        // Only the authenticated user gets anything.
        return authenticated ? [{ type, name: rest.join(":"), actions }] : [];
      });
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ alg: "ES256", typ: "JWT", x5c: [der.toString("base64")] }));
      const claims = b64url(JSON.stringify({ iss: ISSUER, sub: authenticated ? user.user : "", aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access }));
      const signature = sign("sha256", Buffer.from(`${header}.${claims}`), { key: privateKey, dsaEncoding: "ieee-p1363" });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}`, expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokens.listen(0, "127.0.0.1", resolve));
    const realm = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/token`;
    reg = await startRegistry({ config: ["auth:", "  token:", `    realm: ${realm}`, `    service: ${SERVICE}`, `    issuer: ${ISSUER}`, `    rootcertbundle: ${JSON.stringify(cert)}`] });
    const image = await buildImage({ layers: [{ entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }] });
    await pushImage(`${reg.host}/team/one:1`, image, { username: user.user, password: user.password, ...fast });
    await pushImage(`${reg.host}/team/two:1`, image, { username: user.user, password: user.password, ...fast });
  }, 60_000);

  afterAll(async () => {
    await reg?.stop();
    await new Promise((resolve) => tokens?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it("lists the catalog with a registry:catalog:* token and pulls with repository tokens", async () => {
    scopesAsked.length = 0;
    const r = await registryScan(reg.host, { username: user.user, password: user.password, scanners: ["package"], noCache: true, ...fast });
    expect(r.errors).toEqual([]);
    expect(r.images.map((i) => `${i.repository}:${i.tags.join(",")}`)).toEqual(["team/one:1", "team/two:1"]);
    expect(r.images.every((i) => i.summary.packages === BASE_PKGS.length)).toBe(true);
    expect(scopesAsked).toContain("registry:catalog:*");
    expect(scopesAsked).toContain("repository:team/one:pull");
    // Anonymous: the token server grants nothing, the registry refuses the catalog: fatal.
    writeFileSync(join(work, "empty.json"), "{}");
    const anon = await registryScan(reg.host, { scanners: ["package"], dockerConfigPath: join(work, "empty.json"), ...fast }).catch((e: Error) => e);
    expect(anon).toBeInstanceOf(Error);
    expect((anon as Error).message).toMatch(/access denied|401|403/);
  }, 60_000);
});
