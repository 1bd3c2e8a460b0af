// Registry credentials: explicit options first, then the Docker CLI's config.json (inline auths,
// credHelpers, credsStore). Nothing here ever logs a secret.
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UserError, errorMessage } from "../../errors.js";
import { isDockerHub } from "./reference.js";

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token ("identitytoken"), exchanged at the token endpoint. */
  identityToken?: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  /** A config.json file, or a directory holding one. */
  dockerConfigPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Non-fatal problems (a missing helper, …). Messages never contain secrets. */
  warn?: (message: string) => void;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

export interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The key the Docker CLI files Docker Hub credentials under. */
export const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

export function dockerConfigPath(opts: CredentialOptions): { path: string; explicit: boolean } {
  if (opts.dockerConfigPath) {
    let path = opts.dockerConfigPath;
    try {
      if (statSync(path).isDirectory()) path = join(path, "config.json");
    } catch {
      // Reported when read.
    }
    return { path, explicit: true };
  }
  const env = opts.env ?? process.env;
  const dir = env["DOCKER_CONFIG"] || join(homedir(), ".docker");
  return { path: join(dir, "config.json"), explicit: false };
}

/** Reads a docker config; undefined when an implicit one is absent. */
export function readDockerConfig(path: string, explicit: boolean): DockerConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (!explicit && (e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UserError("INPUT", `cannot read docker config ${path}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the file, which holds secrets.
    throw new UserError("INPUT", `docker config ${path} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UserError("INPUT", `docker config ${path} is not a JSON object`);
  }
  return parsed as DockerConfig;
}

/** "https://host:5000/v1/" → "host:5000", the way the Docker CLI matches config keys. */
function keyHost(key: string): string {
  return key.replace(/^https?:\/\//i, "").split("/")[0]!.toLowerCase();
}

function lookup<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (!map || typeof map !== "object") return undefined;
  const hub = isDockerHub(registry);
  if (hub && map[DOCKER_HUB_KEY] !== undefined) return map[DOCKER_HUB_KEY];
  if (!hub && map[registry] !== undefined) return map[registry];
  for (const [key, value] of Object.entries(map)) {
    const host = keyHost(key);
    if (hub ? isDockerHub(host) : host === registry.toLowerCase()) return value;
  }
  return undefined;
}

function fromEntry(entry: AuthEntry | undefined, path: string): Credentials | undefined {
  if (!entry || typeof entry !== "object") return undefined;
  if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") {
    return { identityToken: entry.identitytoken, ...(entry.username ? { username: entry.username } : {}) };
  }
  if (typeof entry.auth === "string" && entry.auth !== "") {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new UserError("INPUT", `docker config ${path}: an "auth" value is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === "string" && typeof entry.password === "string") {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Credentials for `registry`, or undefined for anonymous access. */
export async function resolveCredentials(registry: string, opts: CredentialOptions = {}): Promise<Credentials | undefined> {
  if (opts.username !== undefined || opts.password !== undefined) {
    return { username: opts.username ?? "", password: opts.password ?? "" };
  }
  const { path, explicit } = dockerConfigPath(opts);
  const config = readDockerConfig(path, explicit);
  if (!config) return undefined;
  const serverUrl = isDockerHub(registry) ? DOCKER_HUB_KEY : registry;

  // Docker's order: a per-registry helper, then the default store, then inline auths. We fall
  // back to inline auths when a helper is missing or has nothing, which Docker would not.
  const helpers = [lookup(config.credHelpers, registry), config.credsStore].filter(
    (h): h is string => typeof h === "string" && h !== "",
  );
  for (const helper of helpers) {
    const found = await runCredentialHelper(helper, serverUrl, opts);
    if (found) return found;
  }
  return fromEntry(lookup(config.auths, registry), path);
}

const HELPER_NAME = /^[a-zA-Z0-9_.-]+$/;
const HELPER_TIMEOUT_MS = 30_000;

/** Runs `docker-credential-<helper> get`; undefined when it has no credentials for the server. */
export function runCredentialHelper(helper: string, serverUrl: string, opts: CredentialOptions = {}): Promise<Credentials | undefined> {
  if (!HELPER_NAME.test(helper)) {
    return Promise.reject(new UserError("INPUT", `invalid docker credential helper name "${helper}"`));
  }
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      ["get"],
      { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1 << 20, env: opts.env ?? process.env, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "ENOENT") {
            opts.warn?.(`credential helper ${program} is not installed; continuing without its credentials`);
            return resolve(undefined);
          }
          // Helpers say "credentials not found" on stdout or stderr when they have nothing.
          if (/credentials not found/i.test(`${stdout}\n${stderr}`)) return resolve(undefined);
          const detail = stderr.trim().split("\n")[0]?.slice(0, 200) || `exit status ${String(err.code ?? err.signal)}`;
          return reject(new UserError("AUTH", `credential helper ${program} failed for ${serverUrl}: ${detail}`));
        }
        let out: { Username?: unknown; Secret?: unknown };
        try {
          out = JSON.parse(stdout) as typeof out;
        } catch {
          return reject(new UserError("AUTH", `credential helper ${program} printed something that is not JSON`));
        }
        if (typeof out.Secret !== "string" || out.Secret === "") return resolve(undefined);
        const username = typeof out.Username === "string" ? out.Username : "";
        // "<token>" marks an identity token rather than a password.
        resolve(username === "<token>" ? { identityToken: out.Secret } : { username, password: out.Secret });
      },
    );
    child.stdin?.on("error", () => undefined); // a helper that exits early must not crash us
    child.stdin?.end(serverUrl);
  });
}
