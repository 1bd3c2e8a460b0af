import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dockerConfigPath, resolveCredentials, runCredentialHelper } from "../../src/image/registry/credentials.js";

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bw-creds-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(json: unknown): string {
  const file = join(dir, `config-${++n}.json`);
  writeFileSync(file, typeof json === "string" ? json : JSON.stringify(json));
  return file;
}
const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("docker config auths", () => {
  it("decodes auth (base64 user:pass, password may contain colons)", async () => {
    const path = config({ auths: { "registry.example.com": { auth: b64("bob:pa:ss") } } });
    expect(await resolveCredentials("registry.example.com", { dockerConfigPath: path })).toEqual({ username: "bob", password: "pa:ss" });
  });

  it("reads username/password and identitytoken entries", async () => {
    const path = config({
      auths: {
        "a.example": { username: "u", password: "p" },
        "b.example": { auth: b64("u:"), identitytoken: "refresh-me" },
      },
    });
    expect(await resolveCredentials("a.example", { dockerConfigPath: path })).toEqual({ username: "u", password: "p" });
    expect(await resolveCredentials("b.example", { dockerConfigPath: path })).toEqual({ identityToken: "refresh-me" });
  });

  it("matches keys written as URLs and with ports", async () => {
    const path = config({ auths: { "https://Reg.Example:5000/v2/": { auth: b64("x:y") } } });
    expect(await resolveCredentials("reg.example:5000", { dockerConfigPath: path })).toEqual({ username: "x", password: "y" });
    expect(await resolveCredentials("reg.example", { dockerConfigPath: path })).toBeUndefined();
  });

  it("finds Docker Hub credentials under https://index.docker.io/v1/ and its aliases", async () => {
    const hub = config({ auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw") } } });
    expect(await resolveCredentials("registry-1.docker.io", { dockerConfigPath: hub })).toEqual({ username: "hub", password: "pw" });
    const alias = config({ auths: { "docker.io": { auth: b64("hub2:pw") } } });
    expect(await resolveCredentials("registry-1.docker.io", { dockerConfigPath: alias })).toEqual({ username: "hub2", password: "pw" });
  });

  it("prefers explicit options over the config", async () => {
    const path = config({ auths: { "r.example": { auth: b64("cfg:cfg") } } });
    expect(await resolveCredentials("r.example", { dockerConfigPath: path, username: "opt", password: "optpw" })).toEqual({ username: "opt", password: "optpw" });
  });

  it("returns undefined for an unknown registry, empty entries and a missing implicit config", async () => {
    const path = config({ auths: { "r.example": {} } });
    expect(await resolveCredentials("r.example", { dockerConfigPath: path })).toBeUndefined();
    expect(await resolveCredentials("other.example", { dockerConfigPath: path })).toBeUndefined();
    expect(await resolveCredentials("r.example", { env: { DOCKER_CONFIG: join(dir, "absent") } })).toBeUndefined();
  });

  it("locates the config: option (file or directory), then $DOCKER_CONFIG, then ~/.docker", () => {
    const sub = join(dir, "cfgdir");
    mkdirSync(sub, { recursive: true });
    expect(dockerConfigPath({ dockerConfigPath: sub })).toEqual({ path: join(sub, "config.json"), explicit: true });
    expect(dockerConfigPath({ dockerConfigPath: "/x/c.json" })).toEqual({ path: "/x/c.json", explicit: true });
    expect(dockerConfigPath({ env: { DOCKER_CONFIG: "/etc/dc" } })).toEqual({ path: "/etc/dc/config.json", explicit: false });
    expect(dockerConfigPath({ env: {} }).path).toMatch(/\.docker[/\\]config\.json$/);
  });

  it("reads $DOCKER_CONFIG/config.json", async () => {
    const sub = join(dir, "envdir");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "config.json"), JSON.stringify({ auths: { "e.example": { auth: b64("env:pw") } } }));
    expect(await resolveCredentials("e.example", { env: { DOCKER_CONFIG: sub } })).toEqual({ username: "env", password: "pw" });
  });

  it("reports an unreadable explicit config and invalid JSON without quoting it", async () => {
    await expect(resolveCredentials("r.example", { dockerConfigPath: join(dir, "nope.json") })).rejects.toMatchObject({ code: "INPUT" });
    const bad = config('{"auths": {"r": {"auth": "c2VjcmV0LXRleHQ6cGFzc3dvcmQ="}}');
    const err = await resolveCredentials("r.example", { dockerConfigPath: bad }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: "INPUT" });
    expect((err as Error).message).not.toContain("c2VjcmV0");
    const badAuth = config({ auths: { "r.example": { auth: b64("no-colon-secret") } } });
    const err2 = await resolveCredentials("r.example", { dockerConfigPath: badAuth }).catch((e: Error) => e);
    expect(err2).toMatchObject({ code: "INPUT" });
    expect((err2 as Error).message).not.toContain("no-colon-secret");
  });
});

describe("credential helpers", () => {
  let bin: string;
  let savedPath: string | undefined;
  let calls: string;

  beforeAll(() => {
    bin = join(dir, "bin");
    calls = join(dir, "helper-calls.log");
    mkdirSync(bin, { recursive: true });
    // Answers for two servers; records the server URL it was asked about.
    const script = [
      "#!/bin/sh",
      `[ "$1" = get ] || { echo "unexpected args: $*" >&2; exit 2; }`,
      "read -r server",
      `echo "$server" >> '${calls}'`,
      'case "$server" in',
      '  helper.example) echo \'{"ServerURL":"helper.example","Username":"helper-user","Secret":"helper-secret"}\' ;;',
      '  https://index.docker.io/v1/) echo \'{"ServerURL":"hub","Username":"<token>","Secret":"hub-identity"}\' ;;',
      '  broken.example) echo "keychain exploded" >&2; exit 3 ;;',
      '  *) echo "credentials not found in native keychain"; exit 1 ;;',
      "esac",
    ].join("\n");
    writeFileSync(join(bin, "docker-credential-bwtest"), script + "\n");
    chmodSync(join(bin, "docker-credential-bwtest"), 0o755);
  });
  beforeAll(() => {
    savedPath = process.env["PATH"];
    process.env["PATH"] = `${bin}${delimiter}${savedPath ?? ""}`;
  });
  afterEach(() => rmSync(calls, { force: true }));
  afterAll(() => {
    process.env["PATH"] = savedPath;
  });

  it("uses credHelpers[host] with the host on stdin", async () => {
    const path = config({ credHelpers: { "helper.example": "bwtest" }, auths: { "helper.example": { auth: b64("inline:pw") } } });
    expect(await resolveCredentials("helper.example", { dockerConfigPath: path })).toEqual({ username: "helper-user", password: "helper-secret" });
  });

  it("uses credsStore, passing the Docker Hub key, and maps <token> to an identity token", async () => {
    const path = config({ credsStore: "bwtest", auths: { "https://index.docker.io/v1/": {} } });
    expect(await resolveCredentials("registry-1.docker.io", { dockerConfigPath: path })).toEqual({ identityToken: "hub-identity" });
    expect(readFileSync(calls, "utf8").trim()).toBe("https://index.docker.io/v1/");
  });

  it("falls back to inline auths when the helper has nothing", async () => {
    const path = config({ credsStore: "bwtest", auths: { "plain.example": { auth: b64("inline:pw") } } });
    expect(await resolveCredentials("plain.example", { dockerConfigPath: path })).toEqual({ username: "inline", password: "pw" });
    expect(await resolveCredentials("none.example", { dockerConfigPath: path })).toBeUndefined();
  });

  it("warns and continues when a helper is not installed", async () => {
    const warnings: string[] = [];
    const path = config({ credsStore: "bwmissing", auths: { "plain.example": { auth: b64("inline:pw") } } });
    expect(await resolveCredentials("plain.example", { dockerConfigPath: path, warn: (m) => warnings.push(m) })).toEqual({ username: "inline", password: "pw" });
    expect(warnings.join()).toContain("docker-credential-bwmissing");
  });

  it("reports a failing helper as AUTH", async () => {
    await expect(runCredentialHelper("bwtest", "broken.example")).rejects.toMatchObject({ code: "AUTH", message: expect.stringContaining("keychain exploded") });
  });

  it("refuses helper names that could escape the docker-credential- prefix", async () => {
    for (const name of ["../evil", "a b", "x;rm -rf /", "", "$(id)"]) {
      await expect(runCredentialHelper(name, "r.example")).rejects.toMatchObject({ code: "INPUT" });
    }
    const path = config({ credHelpers: { "r.example": "../../bin/sh" } });
    await expect(resolveCredentials("r.example", { dockerConfigPath: path })).rejects.toMatchObject({ code: "INPUT" });
  });
});
