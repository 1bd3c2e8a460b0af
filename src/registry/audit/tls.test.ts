// The legacy-version probe's verdicts against Node's own TLS servers (not registries: what is
// tested here is how handshake outcomes are read), and the trust walk for expired chains.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_TOOLS, issue, makeCa, selfSigned } from "../../../test/support/certs.js";
import { missingTool } from "../../../test/support/tools.js";
import { inspectTls, probeLegacy, trustedRoots } from "./tls.js";

const SKIP = missingTool("registry audit TLS unit tests", CERT_TOOLS) !== undefined;
const dir = SKIP ? "" : mkdtempSync(join(tmpdir(), "bw-audit-tls-"));

const sockets = new Set<Socket>();

/** Listens on loopback; its connections are kept so the tests can close them. */
function listen(server: Server): Promise<number> {
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe.skipIf(SKIP)("legacy TLS probe", () => {
  const servers: Server[] = [];
  let cert: { certificate: string; key: string };
  beforeAll(() => {
    cert = selfSigned(join(dir, "s"), "legacy", ["IP:127.0.0.1"]);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });
  const tlsServer = async (o: tls.TlsOptions): Promise<number> => {
    const s = tls.createServer({ cert: readFileSync(cert.certificate), key: readFileSync(cert.key), ...o }, (sock) => sock.end());
    s.on("tlsClientError", () => undefined);
    servers.push(s);
    return listen(s);
  };

  it("accepted when the server completes a TLS 1.0 handshake", async () => {
    const port = await tlsServer({ minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" });
    expect((await probeLegacy("127.0.0.1", port, "TLSv1", 5000)).state).toBe("accepted");
    expect((await probeLegacy("127.0.0.1", port, "TLSv1.1", 5000)).state).toBe("accepted");
  });

  it("refused when the server wants TLS 1.2 or later", async () => {
    const port = await tlsServer({ minVersion: "TLSv1.2" });
    const r = await probeLegacy("127.0.0.1", port, "TLSv1", 5000);
    expect(r.state).toBe("refused");
    expect(r.detail).toMatch(/ALERT|UNSUPPORTED_PROTOCOL|WRONG_VERSION/);
  });

  it("undetermined, never refused, when the server says nothing", async () => {
    const silent = createTcpServer(() => undefined);
    servers.push(silent);
    const port = await listen(silent);
    const r = await probeLegacy("127.0.0.1", port, "TLSv1", 300);
    expect(r.state).toBe("undetermined");
    expect(r.detail).toContain("ETIMEDOUT");
  });
});

describe.skipIf(SKIP)("certificate inspection", () => {
  it("an expired leaf of a trusted CA: expired, but trusted through the signature walk", async () => {
    const d = mkdtempSync(join(tmpdir(), "bw-audit-tls-ca-"));
    try {
      const ca = makeCa(join(d, "ca"));
      const leaf = issue(ca, "old", ["IP:127.0.0.1"], { start: new Date("2021-01-01T00:00:00Z"), end: new Date("2021-02-01T00:00:00Z") });
      const stranger = makeCa(join(d, "other"), "Another CA");
      const s = tls.createServer({ cert: readFileSync(leaf.certificate), key: readFileSync(leaf.key) }, (sock) => sock.end());
      s.on("tlsClientError", () => undefined);
      const port = await listen(s);
      try {
        const roots = trustedRoots(ca.certificate);
        const t = await inspectTls("127.0.0.1", port, roots, tls.createSecureContext({ ca: roots.pems }), 5000);
        expect(t.verifyError).toBe("CERT_HAS_EXPIRED");
        expect(t.trusted).toBe(true);
        expect(t.outOfDate.map((c) => c.state)).toEqual(["expired"]);
        expect(t.nameError).toBeUndefined();
        // The same chain judged against another CA: the walk finds no trusted issuer.
        const other = trustedRoots(stranger.certificate);
        const u = await inspectTls("127.0.0.1", port, other, tls.createSecureContext({ ca: other.pems }), 5000);
        expect(u.trusted).toBe(false);
        expect(u.outOfDate.length).toBe(1);
      } finally {
        for (const x of sockets) x.destroy();
        await new Promise<void>((r) => s.close(() => r()));
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
