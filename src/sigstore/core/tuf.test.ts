// refreshTrustedRoot through a real TUF client (@sigstore/tuf over tuf-js) against a small TUF
// repository served on localhost: metadata signed here with an Ed25519 key, the staging trusted
// root from sigstore-python as its target. The public CDN is not reachable from CI.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../errors.js";
import { loadTrustedRoot, refreshTrustedRoot, verifyBundle } from "./index.js";

const FIX = new URL("../../../test/fixtures/", import.meta.url).pathname;
const TARGET = readFileSync(join(FIX, "sigstore-python/staging-trusted_root.json"));
const work = mkdtempSync(join(tmpdir(), "bw-tuf-"));

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

const keys = generateKeyPairSync("ed25519");
const pub = keys.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
const key = { keytype: "ed25519", scheme: "ed25519", keyval: { public: pub } };
const keyid = createHash("sha256").update(canonical(key)).digest("hex");
const expires = "2099-01-01T00:00:00Z";
const role = { keyids: [keyid], threshold: 1 };

function signed(body: object): string {
  return JSON.stringify({ signed: body, signatures: [{ keyid, sig: sign(null, Buffer.from(canonical(body)), keys.privateKey).toString("hex") }] });
}

function repository(target: Buffer, advertised: Buffer = target): Record<string, string | Buffer> {
  const common = { spec_version: "1.0.31", version: 1, expires };
  const targets = { _type: "targets", ...common, targets: { "trusted_root.json": { length: advertised.length, hashes: { sha256: createHash("sha256").update(advertised).digest("hex") } } } };
  return {
    "/1.root.json": signed({ _type: "root", ...common, consistent_snapshot: false, keys: { [keyid]: key }, roles: { root: role, timestamp: role, snapshot: role, targets: role } }),
    "/timestamp.json": signed({ _type: "timestamp", ...common, meta: { "snapshot.json": { version: 1 } } }),
    "/snapshot.json": signed({ _type: "snapshot", ...common, meta: { "targets.json": { version: 1 } } }),
    "/targets.json": signed(targets),
    "/targets/trusted_root.json": target,
  };
}

let files: Record<string, string | Buffer> = {};
let server: Server;
let url = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(work, { recursive: true, force: true });
});

describe("TUF refresh of the trusted root", () => {
  it("fetches the target through signed metadata, stores it, and later runs use it offline", async () => {
    files = repository(TARGET);
    const rootPath = join(work, "root.json");
    writeFileSync(rootPath, files["/1.root.json"]!);
    const cacheDir = join(work, "ok");
    const info = await refreshTrustedRoot({ cacheDir, mirrorURL: url, rootPath });
    expect(info.source).toBe("tuf-refresh");
    expect(info.root.tlogs.map((t) => t.baseUrl)).toContain("https://log2025-alpha1.rekor.sigstage.dev");
    const later = await loadTrustedRoot(undefined, { cacheDir });
    expect(later.source).toBe("tuf-cache");
    // The refreshed (staging) root verifies a staging bundle; the bundled public-good one did not.
    const bundle = readFileSync(join(FIX, "sigstore-conformance/rekor2-dsse-happy-path.sigstore.json"));
    const policy = { certificateIdentity: "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main", certificateOidcIssuer: "https://token.actions.githubusercontent.com" };
    expect((await verifyBundle(bundle, readFileSync(join(FIX, "sigstore-conformance/a.txt")), policy, { trustedRoot: later.root })).ok).toBe(true);
  });

  it("refuses a target whose bytes differ from the signed targets metadata, and keeps no copy", async () => {
    const tampered = Buffer.from(TARGET.toString().replace("rekor.sigstage.dev", "rekor.evil.example"));
    files = repository(tampered, TARGET);
    const rootPath = join(work, "root2.json");
    writeFileSync(rootPath, files["/1.root.json"]!);
    const cacheDir = join(work, "bad");
    const err = await refreshTrustedRoot({ cacheDir, mirrorURL: url, rootPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^TUF refresh of the Sigstore trusted root from http:\/\/127\.0\.0\.1:\d+ failed/);
    expect(existsSync(join(cacheDir, "trusted_root.json"))).toBe(false);
    expect((await loadTrustedRoot(undefined, { cacheDir })).source).toBe("bundled");
  });

  it("refuses metadata signed by another key", async () => {
    files = repository(TARGET);
    const other = generateKeyPairSync("ed25519");
    const body = JSON.parse(files["/timestamp.json"] as string).signed;
    files["/timestamp.json"] = JSON.stringify({ signed: body, signatures: [{ keyid, sig: sign(null, Buffer.from(canonical(body)), other.privateKey).toString("hex") }] });
    const rootPath = join(work, "root3.json");
    writeFileSync(rootPath, files["/1.root.json"]!);
    await expect(refreshTrustedRoot({ cacheDir: join(work, "badsig"), mirrorURL: url, rootPath })).rejects.toThrow(/TUF refresh .* failed/);
  });
});
