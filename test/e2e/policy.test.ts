// `bulwark policy check` and checkPolicy() against a real registry (Debian's docker-registry,
// with htpasswd): images with known contents (root or not, an end-of-life Debian, vulnerable and
// malicious packages) matched against a small advisory database built here and imported through
// the CLI. Digests are cross-checked with the registry's own HTTP API.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { checkPolicy, NO_VERIFIER, parsePolicy, type ImageResult, type PolicyCheckResult, type RuleResult, type SignatureRequirement, type SupplyChainVerifier } from "../../src/index.js";
import { BASE_PKGS, dpkgStatus } from "../support/fixtures.js";
import { buildImage } from "../support/image-builder.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-policy-"));
const DB = join(work, "advisories.sqlite");
const user = { user: "ci", password: "p0licy-Secret-77" };
const DAY = 24 * 3600_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

function bulwark(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    input,
    cwd: work,
    env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), BULWARK_DB: DB, DOCKER_CONFIG: join(work, "nodocker"), NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const osRelease = (version: string, codename: string): string =>
  `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${version}"\nVERSION="${version} (${codename})"\nVERSION_CODENAME=${codename}\nID=debian\n`;

const CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
const HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"; // 7.5

function record(id: string, ecosystem: string, name: string, events: Record<string, string>[], published: string, vector?: string, extra: Record<string, unknown> = {}) {
  return {
    schema_version: "1.6.0",
    id,
    modified: published,
    published,
    summary: `${id} test advisory`,
    ...(vector ? { severity: [{ type: "CVSS_V3", score: vector }] } : {}),
    affected: [{ package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events }] }],
    ...extra,
  };
}

/** Only the digests in `signed` verify; records what it was asked. */
function testVerifier(signed: Set<string>, attested: Map<string, string[]>): SupplyChainVerifier & { calls: { ref: string; req?: SignatureRequirement; types?: string[] }[] } {
  const calls: { ref: string; req?: SignatureRequirement; types?: string[] }[] = [];
  return {
    calls,
    async verifySignature(ref, digest, req) {
      calls.push({ ref, req });
      if (digest === "sha256:" + "e".repeat(64)) throw new Error("registry went away");
      return signed.has(digest) ? { ok: true, reason: `signed by ${req.keys?.[0]}`, evidence: [digest] } : { ok: false, reason: "no signature found", evidence: [] };
    },
    async verifyAttestations(ref, digest, types) {
      calls.push({ ref, types });
      const have = attested.get(digest) ?? [];
      const missing = types.filter((t) => !have.includes(t));
      return missing.length ? { ok: false, reason: `missing attestations: ${missing.join(", ")}` } : { ok: true, reason: `verified ${types.join(", ")}` };
    },
  };
}

const rule = (img: ImageResult, name: string): RuleResult => {
  const r = img.rules.find((x) => x.rule === name);
  if (!r) throw new Error(`no ${name} in ${JSON.stringify(img.rules)}`);
  return r;
};

describe.skipIf(missingTool("policy tests", REGISTRY_AUTH_TOOLS) !== undefined || !existsSync(BIN))("policy check against a real registry", () => {
  let reg: RegistryServer;
  const digests: Record<string, string> = {};

  /** The manifest digest as the registry itself reports it (plain HTTP, basic auth). */
  async function registryDigest(repo: string, tag: string): Promise<string> {
    const res = await fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, {
      method: "HEAD",
      headers: {
        Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
        Authorization: `Basic ${Buffer.from(`${user.user}:${user.password}`).toString("base64")}`,
      },
    });
    expect(res.status).toBe(200);
    return res.headers.get("docker-content-digest")!;
  }

  beforeAll(async () => {
    reg = await startRegistry({ htpasswd: user });
    // A Debian 13 image running as "app", with nothing vulnerable.
    const good = await buildImage({
      user: "app",
      layers: [{ createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: osRelease("13", "trixie") }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] }],
    });
    // A Debian 10 image running as root, with a vulnerable curl, bash and glibc, and a malicious npm package.
    const bad = await buildImage({
      layers: [
        {
          createdBy: "ADD rootfs /",
          entries: [
            { path: "etc/os-release", content: osRelease("10", "buster") },
            { path: "var/lib/dpkg/status", content: dpkgStatus([{ name: "libc6", version: "2.28-10+deb10u1", source: "glibc" }, { name: "bash", version: "5.0-4" }, { name: "curl", version: "7.64.0-4+deb10u2" }]) },
          ],
        },
        { createdBy: "RUN npm install -g evil-pkg", entries: [{ path: "usr/lib/node_modules/evil-pkg/package.json", content: JSON.stringify({ name: "evil-pkg", version: "1.0.0" }) }] },
      ],
    });
    const auth = { username: user.user, password: user.password };
    await pushImage(`${reg.host}/team/good:1`, good, auth);
    await pushImage(`${reg.host}/team/bad:1`, bad, auth);
    await pushImage(`${reg.host}/legacy/old:1`, bad, auth);
    digests.good = await registryDigest("team/good", "1");
    digests.bad = await registryDigest("team/bad", "1");

    // The advisory database: OSV records written here and imported with `bulwark db import`.
    const osv = join(work, "osv");
    mkdirSync(osv);
    const records = [
      record("DEBIAN-CVE-2099-0001", "Debian:10", "curl", [{ introduced: "0" }, { fixed: "7.64.0-4+deb10u9" }], "2020-01-01T00:00:00Z", CRITICAL, { upstream: ["CVE-2099-0001"] }),
      record("DEBIAN-CVE-2099-0002", "Debian:10", "bash", [{ introduced: "0" }], "2020-01-01T00:00:00Z", HIGH, { upstream: ["CVE-2099-0002"] }),
      record("DEBIAN-CVE-2099-0003", "Debian:10", "glibc", [{ introduced: "0" }, { fixed: "2.28-10+deb10u4" }], new Date(Date.now() - 5 * DAY).toISOString(), CRITICAL, { upstream: ["CVE-2099-0003"] }),
      // Debian 13: one record for a version below the installed one, so the ecosystem is covered.
      record("DEBIAN-CVE-2099-0100", "Debian:13", "zlib", [{ introduced: "0" }, { fixed: "1:1.2.0-1" }], "2020-01-01T00:00:00Z", CRITICAL, { upstream: ["CVE-2099-0100"] }),
      record("MAL-2099-0001", "npm", "evil-pkg", [{ introduced: "0" }], "2020-01-01T00:00:00Z", undefined, { database_specific: { "malicious-packages-origins": [{ source: "test" }] } }),
    ];
    for (const r of records) writeFileSync(join(osv, `${r.id}.json`), JSON.stringify(r));
    const imp = bulwark(["db", "import", osv, "--db", DB]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/imported 5 records/);
  }, 120_000);

  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const writePolicy = (name: string, rules: string[]): string => {
    const file = join(work, name);
    writeFileSync(file, ["apiVersion: bulwark.dev/v1", "kind: ImagePolicy", "rules:", ...rules.map((l) => `  ${l}`), ""].join("\n"));
    return file;
  };
  const check = (policy: string, images: string[], extra: string[] = []) =>
    bulwark(["policy", "check", ...images, "--policy", policy, "--offline", "--username", user.user, "--password-stdin", ...extra], user.password + "\n");

  const FULL = (host: string) => [
    `allowedRegistries: [${host}/team/*]`,
    "requireDigest: true",
    "vulnerabilities: { maxSeverity: HIGH }",
    "forbidMalicious: true",
    "forbidEolOs: true",
    "forbidRootUser: true",
  ];

  it("a clean image pinned by digest passes every rule; exit 0 with --exit-code", () => {
    const policy = writePolicy("full.yaml", FULL(reg.host));
    const r = check(policy, [`${reg.host}/team/good@${digests.good}`, "--format", "json", "--exit-code", "3"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as PolicyCheckResult;
    expect(out.summary).toEqual({ images: 1, passed: 1, failed: 0, errors: 0 });
    const img = out.images[0]!;
    expect(img.digest).toBe(digests.good);
    expect(img.rules.map((x) => x.rule)).toEqual(["allowedRegistries", "requireDigest", "vulnerabilities", "forbidMalicious", "forbidEolOs", "forbidRootUser"].sort((a, b) => order(a) - order(b)));
    // Debian 13's end of life is 2028-08-09 in the scanner's table.
    const eolPassed = Date.now() >= Date.parse("2028-08-09T00:00:00Z");
    expect(rule(img, "forbidEolOs").verdict).toBe(eolPassed ? "fail" : "pass");
    for (const x of img.rules.filter((y) => y.rule !== "forbidEolOs")) expect(x.verdict, JSON.stringify(x)).toBe("pass");
    expect(rule(img, "forbidRootUser").evidence).toEqual(['config User: "app"']);
    expect(r.stdout).not.toContain(user.password);
    expect(r.stderr).not.toContain(user.password);
  });

  it("a root, end-of-life, vulnerable, malicious image by tag fails each rule with its evidence", () => {
    const policy = writePolicy("full.yaml", FULL(reg.host));
    const r = check(policy, [`${reg.host}/team/bad:1`, "--format", "json", "--exit-code", "3"]);
    expect(r.code, r.stderr).toBe(3);
    const img = (JSON.parse(r.stdout) as PolicyCheckResult).images[0]!;
    expect(img.verdict).toBe("fail");
    // The tag was resolved once, to the digest the registry reports.
    expect(img.digest).toBe(digests.bad);
    expect(rule(img, "allowedRegistries").verdict).toBe("pass");
    expect(rule(img, "requireDigest")).toMatchObject({ verdict: "fail", reason: 'referenced by tag "1", not by @sha256 digest' });
    expect(rule(img, "forbidRootUser")).toMatchObject({ verdict: "fail", reason: "the image sets no user, so it runs as root", evidence: ['config User: ""'] });
    expect(rule(img, "forbidEolOs").verdict).toBe("fail");
    expect(rule(img, "forbidEolOs").reason).toMatch(/^Debian GNU\/Linux 10 \(buster\) reached end of life on 2022-09-10$/);
    const vulns = rule(img, "vulnerabilities");
    expect(vulns.verdict).toBe("fail");
    // Above HIGH: the two CRITICAL CVEs and the malicious package (always CRITICAL); bash's HIGH is allowed.
    expect(vulns.reason).toBe("3 vulnerabilities above HIGH");
    expect(vulns.evidence.join("\n")).toMatch(/CVE-2099-0001 CRITICAL in curl 7\.64\.0-4\+deb10u2, fixed in 7\.64\.0-4\+deb10u9, published 2020-01-01/);
    expect(vulns.evidence.join("\n")).not.toMatch(/CVE-2099-0002 HIGH/);
    expect(vulns.evidence[0]).toBe("not counted: 1 at or below HIGH");
    const mal = rule(img, "forbidMalicious");
    expect(mal.verdict).toBe("fail");
    expect(mal.evidence).toEqual(["MAL-2099-0001 in pkg:npm/evil-pkg@1.0.0: MAL-2099-0001 test advisory"]);
  });

  it("the same findings as `bulwark scan` of the same digest", () => {
    const policy = writePolicy("vuln-none.yaml", ["vulnerabilities: { maxSeverity: NONE }"]);
    const r = check(policy, [`${reg.host}/team/bad:1`, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const evidence = rule((JSON.parse(r.stdout) as PolicyCheckResult).images[0]!, "vulnerabilities").evidence;
    const s = bulwark(["scan", `${reg.host}/team/bad@${digests.bad}`, "--format", "json", "--offline", "-q", "--username", user.user, "--password-stdin"], user.password);
    expect(s.code, s.stderr).toBe(0);
    const ids = (JSON.parse(s.stdout) as { vulnerabilities: { id: string }[] }).vulnerabilities.map((v) => v.id).sort();
    expect(ids.length).toBe(4);
    expect(evidence.map((e) => e.split(" ")[0]).sort()).toEqual(ids);
  });

  it("table output, and registries not allowed", () => {
    const policy = writePolicy("other.yaml", [`allowedRegistries: [${reg.host}/other/*, ghcr.io]`]);
    const r = check(policy, [`${reg.host}/team/good:1`, "--exit-code", "1"]);
    expect(r.code, r.stderr).toBe(1);
    // Only name rules: the image is not even fetched.
    expect(r.stdout.split("\n")[0]).toBe(`FAIL  ${reg.host}/team/good:1`);
    expect(r.stdout).toMatch(new RegExp(`allowedRegistries {2}FAIL {6}${escapeRe(`${reg.host}/team/good matches no allowed registry`)}`));
    expect(r.stdout).toContain(`- allowed: ${reg.host}/other/*, ghcr.io`);
    expect(r.stdout).toMatch(/1 image: 0 passed, 1 failed/);
    // A registry entry without a path allows every repository on it.
    const host = writePolicy("host.yaml", [`allowedRegistries: [${reg.host}]`]);
    const ok = check(host, [`${reg.host}/team/good:1`, `${reg.host}/legacy/old:1`, "--exit-code", "1"]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/2 images: 2 passed, 0 failed/);
  });

  it("exceptions: active ones turn failures into excepted; expired ones are ignored and said", () => {
    const rules = [...FULL(reg.host)];
    const active = writePolicy("active.yaml", [...rules, `exceptions: [{ image: "${reg.host}/legacy/*", until: ${day(30)}, reason: "migration ticket 42" }]`]);
    const a = check(active, [`${reg.host}/legacy/old:1`, "--format", "json", "--exit-code", "4"]);
    expect(a.code, a.stderr).toBe(0);
    const img = (JSON.parse(a.stdout) as PolicyCheckResult).images[0]!;
    expect(img.verdict).toBe("pass");
    expect(rule(img, "allowedRegistries")).toMatchObject({ verdict: "excepted", exception: { image: `${reg.host}/legacy/*`, until: day(30), reason: "migration ticket 42" } });
    expect(rule(img, "forbidRootUser").verdict).toBe("excepted");
    expect(img.rules.filter((x) => x.verdict === "fail")).toEqual([]);
    // Limited to some rules: the others still fail.
    const some = writePolicy("some.yaml", [...rules, `exceptions: [{ image: "${reg.host}/legacy/**", until: ${day(0)}, reason: "r", rules: [forbidRootUser] }]`]);
    const s = JSON.parse(check(some, [`${reg.host}/legacy/old:1`, "--format", "json"]).stdout) as PolicyCheckResult;
    expect(rule(s.images[0]!, "forbidRootUser").verdict).toBe("excepted");
    expect(rule(s.images[0]!, "forbidEolOs").verdict).toBe("fail");
    const expired = writePolicy("expired.yaml", [...rules, `exceptions: [{ image: "${reg.host}/legacy/*", until: ${day(-1)}, reason: "migration ticket 42" }]`]);
    const e = check(expired, [`${reg.host}/legacy/old:1`, "--exit-code", "4"]);
    expect(e.code).toBe(4);
    expect(e.stdout).toContain(`note: exception "${reg.host}/legacy/*" expired on ${day(-1)} (migration ticket 42): ignored`);
    expect(e.stdout).not.toContain("EXCEPTED");
  });

  it("signatures and attestations made by bulwark sign/attest are verified by policy check, with keys resolved against the policy's directory", () => {
    const dir = join(work, "pdir");
    mkdirSync(join(dir, "keys"), { recursive: true });
    const withPassword = (args: string[], input?: string) => {
      const r = spawnSync(process.execPath, [BIN, ...args], {
        encoding: "utf8",
        input,
        cwd: join(dir, "keys"),
        env: { ...process.env, COSIGN_PASSWORD: "key-pass-123", DOCKER_CONFIG: join(work, "nodocker"), NO_COLOR: "1" },
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    expect(withPassword(["generate-key-pair"]).code).toBe(0);
    const auth = ["--username", user.user, "--password-stdin"];
    const good = `${reg.host}/team/good@${digests.good}`;
    const signed = withPassword(["sign", good, "--key", join(dir, "keys/cosign.key"), ...auth], user.password);
    expect(signed.code, signed.stderr).toBe(0);
    writeFileSync(join(dir, "sbom.json"), JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components: [] }));
    const attested = withPassword(["attest", good, "--predicate", join(dir, "sbom.json"), "--type", "cyclonedx", "--key", join(dir, "keys/cosign.key"), ...auth], user.password);
    expect(attested.code, attested.stderr).toBe(0);

    const file = join(dir, "sig.yaml");
    writeFileSync(file, "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  requireSignature: { keys: [keys/cosign.pub] }\n  requireAttestations: [cyclonedx]\n");
    const ok = check(file, [good, "--format", "json", "--exit-code", "5"]);
    expect(ok.code, ok.stderr).toBe(0);
    const img = (JSON.parse(ok.stdout) as PolicyCheckResult).images[0]!;
    expect(rule(img, "requireSignature").verdict).toBe("pass");
    expect(rule(img, "requireAttestations").verdict).toBe("pass");
    // The unsigned image fails both, and a missing attestation type is named.
    writeFileSync(file, "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  requireSignature: { keys: [keys/cosign.pub] }\n  requireAttestations: [cyclonedx, slsaprovenance]\n");
    const r = check(file, [good, `${reg.host}/team/bad@${digests.bad}`, "--format", "json", "--exit-code", "5"]);
    expect(r.code, r.stderr).toBe(5);
    const [g, b] = (JSON.parse(r.stdout) as PolicyCheckResult).images as [ImageResult, ImageResult];
    expect(rule(g, "requireSignature").verdict).toBe("pass");
    expect(rule(g, "requireAttestations").verdict).toBe("fail");
    expect(rule(b, "requireSignature").verdict).toBe("fail");
    expect(rule(b, "requireAttestations").verdict).toBe("fail");
    expect(rule(g, "requireSignature").reason).not.toBe(NO_VERIFIER);
    // A key that is not there is a policy error, named with its resolved path.
    writeFileSync(file, "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  requireSignature: { keys: [keys/missing.pub] }\n");
    const bad = check(file, [`${reg.host}/team/good:1`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`bulwark: ${file}:4: rules.requireSignature.keys[0]: key file ${join(dir, "keys/missing.pub")} not found\n`);
  });

  it("signature and attestation rules with a test verifier", async () => {
    const dir = join(work, "pdir2");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cosign.pub"), "key");
    const policy = parsePolicy("apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  requireSignature: { keys: [cosign.pub] }\n  requireAttestations: [slsaprovenance, cyclonedx]\n", { baseDir: dir });
    const verifier = testVerifier(new Set([digests.good!]), new Map([[digests.good!, ["slsaprovenance", "cyclonedx"]], [digests.bad!, ["cyclonedx"]]]));
    const out = await checkPolicy([`${reg.host}/team/good:1`, `${reg.host}/team/bad:1`], policy, { verifier, scan: { username: user.user, password: user.password, noCache: true } });
    const [good, bad] = out.images as [ImageResult, ImageResult];
    expect(rule(good, "requireSignature")).toMatchObject({ verdict: "pass", reason: `signed by ${join(dir, "cosign.pub")}` });
    expect(rule(good, "requireAttestations")).toMatchObject({ verdict: "pass" });
    expect(good.verdict).toBe("pass");
    expect(rule(bad, "requireSignature")).toMatchObject({ verdict: "fail", reason: "no signature found" });
    expect(rule(bad, "requireAttestations")).toMatchObject({ verdict: "fail", reason: "missing attestations: slsaprovenance" });
    // The verifier is asked about the digest the registry serves, by normalized name.
    expect(verifier.calls[0]).toEqual({ ref: `${reg.host}/team/good@${digests.good}`, req: { keys: [join(dir, "cosign.pub")] } });
    expect(verifier.calls.map((c) => c.ref)).toContain(`${reg.host}/team/bad@${digests.bad}`);
  });

  it("vulnerability options: ignoreUnfixed, maxAgeDays, allowIncomplete", async () => {
    const run = async (vuln: string) => {
      const policy = parsePolicy(`apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities: ${vuln}\n`);
      const out = await checkPolicy([`${reg.host}/team/bad@${digests.bad}`], policy, { scan: { username: user.user, password: user.password, vuln: { db: DB, offline: true } } });
      return rule(out.images[0]!, "vulnerabilities");
    };
    // CRITICAL curl (fixed, 2020), HIGH bash (no fix, 2020), CRITICAL glibc (fixed, 5 days old), malicious evil-pkg (no fix, 2020).
    expect((await run("{ maxSeverity: MEDIUM }")).reason).toBe("4 vulnerabilities above MEDIUM");
    expect((await run("{ maxSeverity: MEDIUM, ignoreUnfixed: true }")).reason).toBe("2 vulnerabilities above MEDIUM");
    const aged = await run("{ maxSeverity: MEDIUM, ignoreUnfixed: true, maxAgeDays: 30 }");
    expect(aged.reason).toBe("1 vulnerability above MEDIUM");
    expect(aged.evidence[0]).toBe("not counted: 2 without a fix (ignoreUnfixed); 1 published within 30 days (maxAgeDays)");
    expect(aged.evidence[1]).toMatch(/^(DEBIAN-)?CVE-2099-0001 CRITICAL in curl/);
    expect((await run("{ maxSeverity: MEDIUM, ignoreUnfixed: true, maxAgeDays: 4 }")).reason).toBe("2 vulnerabilities above MEDIUM");
    expect((await run("{ maxSeverity: CRITICAL }")).verdict).toBe("pass");
    // A database with npm records only: the Debian packages could not be checked, which is not
    // a pass unless allowed.
    const npmOnly = join(work, "npm-only.sqlite");
    const imp = bulwark(["db", "import", join(work, "osv", "MAL-2099-0001.json"), "--db", npmOnly]);
    expect(imp.code, imp.stderr).toBe(0);
    const partial = async (db: string, extra: string) => {
      const policy = parsePolicy(`apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities: { maxSeverity: CRITICAL${extra} }\n`);
      const out = await checkPolicy([`${reg.host}/team/good@${digests.good}`], policy, { scan: { username: user.user, password: user.password, vuln: { db, offline: true } } });
      return out.images[0]!;
    };
    const refused = rule(await partial(npmOnly, ""), "vulnerabilities");
    expect(refused.verdict).toBe("fail");
    expect(refused.reason).toBe("3 packages were not checked (no advisories for Debian:13); set allowIncomplete to accept");
    expect(rule(await partial(npmOnly, ", allowIncomplete: true"), "vulnerabilities").verdict).toBe("pass");
    // No database at all: the image could not be checked (an error), never a pass.
    const missing = await partial(join(work, "absent.sqlite"), "");
    expect(missing.verdict).toBe("error");
    expect(missing.error).toMatch(/^no advisory database at /);
  });

  it("images that cannot be read are errors (exit 2), the others are still checked", () => {
    const policy = writePolicy("root.yaml", ["forbidRootUser: true"]);
    const r = check(policy, [`${reg.host}/team/missing:1`, `${reg.host}/team/good:1`, "--format", "json", "--exit-code", "1"]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as PolicyCheckResult;
    expect(out.summary).toEqual({ images: 2, passed: 1, failed: 0, errors: 1 });
    expect(out.images[0]!.verdict).toBe("error");
    expect(r.stderr).toMatch(new RegExp(`^bulwark: ${escapeRe(`${reg.host}/team/missing:1`)}: .*(manifest unknown|not found)`, "i"));
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    // A wrong password: an error, and never printed.
    const wrong = bulwark(["policy", "check", `${reg.host}/team/good:1`, "--policy", policy, "--username", user.user, "--password-stdin"], "not-the-Pa55word\n");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/authentication failed/i);
    expect(wrong.stdout + wrong.stderr).not.toContain("not-the-Pa55word");
  });

  it("policy errors: unknown keys, wrong types, bad globs, exit 2 with one line", () => {
    const cases: [string[], string][] = [
      [["requireSignatures: { keys: [cosign.pub] }"], "rules.requireSignatures: unknown key (did you mean requireSignature?)"],
      [["vulnerabilities: { maxSeverity: HIGH, ignoreUnfix: true }"], "rules.vulnerabilities.ignoreUnfix: unknown key (did you mean ignoreUnfixed?)"],
      [["requireDigest: yes-please"], 'rules.requireDigest: must be a boolean, got "yes-please"'],
      [["vulnerabilities: { maxSeverity: SEVERE }"], 'rules.vulnerabilities.maxSeverity: "SEVERE" is not one of NONE, LOW, MEDIUM, HIGH, CRITICAL'],
      [["allowedRegistries: [ghcr.io/Acme/*]"], 'rules.allowedRegistries[0]: bad glob "ghcr.io/Acme/*": image names are lowercase'],
      [["allowedRegistries: [https://ghcr.io]"], 'rules.allowedRegistries[0]: bad glob "https://ghcr.io": write host[:port][/path] without a URL scheme'],
      [['exceptions: [{ image: "x.io/a/**b", until: 2027-02-30, reason: r }]'], 'rules.exceptions[0].image: bad glob "x.io/a/**b": "**" must be a whole path segment, not part of "**b"'],
      [['exceptions: [{ image: "x.io/a/*", until: 2027-02-30, reason: r }]'], 'rules.exceptions[0].until: "2027-02-30" is not a calendar date (YYYY-MM-DD)'],
      [["requireAttestations: [slsa]"], 'rules.requireAttestations[0]: unknown attestation type "slsa" (use slsaprovenance, slsaprovenance02, slsaprovenance1, link, spdx, spdxjson, cyclonedx, vuln, openvex, custom, or a predicate type URI)'],
    ];
    for (const [rules, message] of cases) {
      const file = writePolicy("bad.yaml", rules);
      const r = bulwark(["policy", "check", `${reg.host}/team/good:1`, "--policy", file]);
      expect(r.code, message).toBe(2);
      expect(r.stderr).toBe(`bulwark: ${file}:4: ${message}\n`);
      expect(r.stdout).toBe("");
    }
    const kind = join(work, "kind.yaml");
    writeFileSync(kind, "apiVersion: bulwark.dev/v1\nkind: ClusterImagePolicy\nrules: {}\n");
    expect(bulwark(["policy", "check", "x", "--policy", kind]).stderr).toBe(`bulwark: ${kind}:2: kind: must be "ImagePolicy", got "ClusterImagePolicy"\n`);
    expect(bulwark(["policy", "check", "x", "--policy", join(work, "nope.yaml")]).stderr).toBe(`bulwark: ${join(work, "nope.yaml")}: cannot read the policy file (no such file)\n`);
    const exit2 = bulwark(["policy", "check", "x", "--policy", kind, "--exit-code", "2"]);
    expect(exit2).toMatchObject({ code: 2, stderr: "bulwark: --exit-code 2 is reserved for errors; choose another code (1 is usual)\n" });
    const missingPolicy = bulwark(["policy", "check", "x"]);
    expect(missingPolicy.code).toBe(2);
    expect(missingPolicy.stderr).toMatch(/required option '--policy <file>' not specified/);
  });
});

const ORDER = ["allowedRegistries", "requireDigest", "requireSignature", "requireAttestations", "forbidRootUser", "vulnerabilities", "forbidMalicious", "forbidEolOs"];
function order(rule: string): number {
  return ORDER.indexOf(rule);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
