// Registry authorisation: remembers the registry's challenge, answers Basic challenges with
// credentials, and fetches (and caches) Bearer tokens from the challenge's realm.
import { UserError } from "../../errors.js";
import { parseChallenges, type Challenge } from "./challenge.js";
import type { Credentials } from "./credentials.js";

export interface TokenRequest {
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Sends a token request (with the client's retries and timeouts) and reads the small reply. */
export type TokenTransport = (req: TokenRequest) => Promise<{ status: number; body: Buffer }>;

export interface AuthorizerOptions {
  registry: string;
  loadCredentials: () => Promise<Credentials | undefined>;
  transport: TokenTransport;
  /** Whether a plain-HTTP realm on this host may receive credentials. */
  plainHttpAllowed: (host: string) => boolean;
}

export interface Authorization {
  header?: string;
  /** True when the header carries (or was obtained with) the user's credentials. */
  credentialed: boolean;
}

interface Token {
  value: string;
  credentialed: boolean;
  expiresAt: number;
}

const MIN_TOKEN_LIFETIME_S = 60;

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** The AUTH error for a refusal. `reason` must not contain secrets. */
export function authFailure(registry: string, repository: string, credentialed: boolean, reason: string): UserError {
  if (credentialed) return new UserError("AUTH", `authentication failed for ${registry}/${repository}: ${reason}`);
  return new UserError(
    "AUTH",
    `access denied to ${registry}/${repository}: ${reason}; the repository may not exist, or it needs credentials (none were found for ${registry})`,
  );
}

export class Authorizer {
  private challenge: Challenge | undefined;
  private credentials: Promise<Credentials | undefined> | undefined;
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(private readonly o: AuthorizerOptions) {}

  private creds(): Promise<Credentials | undefined> {
    this.credentials ??= this.o.loadCredentials();
    return this.credentials;
  }

  /** The Authorization to send up front, from the challenge seen so far (none before the first 401). */
  async authorize(repository: string, actions: string, scope?: string): Promise<Authorization> {
    const challenge = this.challenge;
    if (!challenge) return { credentialed: false };
    if (challenge.scheme === "basic") {
      const c = await this.creds();
      if (c?.username === undefined || c.password === undefined) return { credentialed: false };
      return { header: basicHeader(c.username, c.password), credentialed: true };
    }
    const token = await this.token(repository, this.scopes(repository, actions, scope));
    return { header: `Bearer ${token.value}`, credentialed: token.credentialed };
  }

  /**
   * Learns from a 401 answer. Returns true when a retry with fresh authorization can help:
   * a Bearer challenge (a new token), or a Basic challenge when we hold a password.
   */
  async learn(wwwAuthenticate: string | string[] | undefined, repository: string, actions: string, scope?: string): Promise<boolean> {
    const challenges = parseChallenges(wwwAuthenticate);
    const chosen = challenges.find((c) => c.scheme === "bearer" && c.params["realm"])
      ?? challenges.find((c) => c.scheme === "basic");
    if (!chosen) return false;
    this.challenge = chosen;
    if (chosen.scheme === "basic") {
      const c = await this.creds();
      return c?.username !== undefined && c.password !== undefined;
    }
    // The cached token (if any) was refused or lacks scope: drop it.
    this.tokens.delete(this.scopes(repository, actions, scope).join(" "));
    return true;
  }

  /** Whether the last request carried credentials, for error messages. */
  async hasCredentials(): Promise<boolean> {
    return (await this.creds()) !== undefined;
  }

  private scopes(repository: string, actions: string, scope?: string): string[] {
    // A request outside any repository (the catalog: "registry:catalog:*").
    if (scope !== undefined) return [scope];
    const own = `repository:${repository}:${actions}`;
    const asked = this.challenge?.params["scope"];
    // Add the scope the registry asked for when it concerns this repository and differs.
    if (asked && asked !== own && asked.startsWith(`repository:${repository}:`)) return [own, asked];
    return [own];
  }

  private token(repository: string, scopes: string[]): Promise<Token> {
    const key = scopes.join(" ");
    const cached = this.tokens.get(key);
    if (cached) {
      // A settled, expired token is replaced; a pending fetch is shared by parallel requests.
      return cached.then((t) => (t.expiresAt > Date.now() ? t : this.refresh(key, repository, scopes)));
    }
    return this.refresh(key, repository, scopes);
  }

  private refresh(key: string, repository: string, scopes: string[]): Promise<Token> {
    const p = this.fetchToken(repository, scopes);
    this.tokens.set(key, p);
    p.catch(() => {
      if (this.tokens.get(key) === p) this.tokens.delete(key);
    });
    return p;
  }

  private async fetchToken(repository: string, scopes: string[]): Promise<Token> {
    const challenge = this.challenge!;
    const registry = this.o.registry;
    let realm: URL;
    try {
      realm = new URL(challenge.params["realm"] ?? "");
    } catch {
      throw new UserError("AUTH", `${registry} sent an invalid token realm in its authentication challenge`);
    }
    if (realm.protocol !== "https:" && realm.protocol !== "http:") {
      throw new UserError("AUTH", `${registry} sent a token realm that is not http(s)`);
    }
    const creds = await this.creds();
    if (creds && realm.protocol === "http:" && !this.o.plainHttpAllowed(realm.hostname)) {
      throw new UserError("AUTH", `refusing to send credentials for ${registry} to ${realm.host} over plain HTTP`);
    }
    const service = challenge.params["service"];
    let req: TokenRequest;
    if (creds?.identityToken) {
      // OAuth2 refresh-token grant, as the Docker CLI does with identity tokens.
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds.identityToken, client_id: "bulwark" });
      if (service) form.set("service", service);
      form.set("scope", scopes.join(" "));
      req = {
        method: "POST",
        url: realm,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: Buffer.from(form.toString()),
      };
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set("service", service);
      for (const s of scopes) url.searchParams.append("scope", s);
      const headers: Record<string, string> = {};
      if (creds?.username !== undefined && creds.password !== undefined) {
        if (creds.username) url.searchParams.set("account", creds.username);
        headers["authorization"] = basicHeader(creds.username, creds.password);
      }
      req = { method: "GET", url, headers };
    }
    const credentialed = creds !== undefined;
    const res = await this.o.transport(req);
    if (res.status === 401 || res.status === 403) {
      throw authFailure(registry, repository, credentialed, `the token server ${realm.host} answered ${res.status}`);
    }
    if (res.status !== 200) {
      throw new UserError("AUTH", `the token server ${realm.host} for ${registry} answered ${res.status}`);
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.body.toString("utf8")) as typeof body;
    } catch {
      throw new UserError("AUTH", `the token server ${realm.host} for ${registry} did not answer JSON`);
    }
    const value = typeof body.token === "string" && body.token ? body.token
      : typeof body.access_token === "string" && body.access_token ? body.access_token : undefined;
    if (!value) throw new UserError("AUTH", `the token server ${realm.host} for ${registry} returned no token`);
    const lifetime = Math.max(typeof body.expires_in === "number" ? body.expires_in : 0, MIN_TOKEN_LIFETIME_S);
    // Renew a little early so a token does not expire between our check and the registry's.
    return { value, credentialed, expiresAt: Date.now() + lifetime * 900 };
  }
}
