// TEST CODE: a tiny token issuer for docker-registry's `auth.token` (the registry itself is real;
// docker-registry has no token server of its own). Answers GET /token?service=&scope= with an
// ES256 JWT whose x5c header holds the signing certificate, the one the registry's
// rootcertbundle trusts. `grant` decides the access of each request (account undefined when
// the client sent no credentials).
import { createPrivateKey, randomBytes, sign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenServer {
  /** The realm URL: http(s)://127.0.0.1:PORT/token */
  realm: string;
  /** How many token requests were answered, and with which account ("" for anonymous). */
  requests: { account: string; scope: string[] }[];
  stop(): Promise<void>;
}

export interface TokenServerOptions {
  /** PEM files of the signing certificate (self-signed EC P-256) and its key. */
  signer: { certificate: string; key: string };
  issuer: string;
  service: string;
  users: Record<string, string>;
  grant: (account: string | undefined, requested: Access[]) => Access[];
  /** Serve the realm over HTTPS with this certificate (else plain HTTP). */
  tls?: { certificate: string; key: string };
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

function parseScope(scope: string): Access | undefined {
  const parts = scope.split(":");
  if (parts.length < 3) return undefined;
  const actions = parts.pop()!.split(",").filter(Boolean);
  const type = parts.shift()!;
  return { type, name: parts.join(":"), actions };
}

export async function startTokenServer(o: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(readFileSync(o.signer.key));
  const cert = new X509Certificate(readFileSync(o.signer.certificate));
  const requests: TokenServer["requests"] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/token") {
      res.writeHead(404).end();
      return;
    }
    let account: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith("Basic ")) {
      const [user, ...rest] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
      if (!user || o.users[user] !== rest.join(":")) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"details":"bad credentials"}');
        return;
      }
      account = user;
    }
    const scopes = url.searchParams.getAll("scope").flatMap((s) => s.split(" ")).filter(Boolean);
    requests.push({ account: account ?? "", scope: scopes });
    const requested = scopes.map(parseScope).filter((a): a is Access => a !== undefined);
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: "JWT", alg: "ES256", x5c: [cert.raw.toString("base64")] };
    const claims = { iss: o.issuer, sub: account ?? "", aud: o.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access: o.grant(account, requested) };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    const token = `${input}.${b64url(signature)}`;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  };
  const server = o.tls ? https.createServer({ cert: readFileSync(o.tls.certificate), key: readFileSync(o.tls.key) }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `${o.tls ? "https" : "http"}://127.0.0.1:${port}/token`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
