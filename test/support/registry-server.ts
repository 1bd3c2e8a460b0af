// Runs a real registry (distribution's `docker-registry`) on 127.0.0.1 for tests. Tests check
// for the tools first: missingTool(what, REGISTRY_TOOLS) (or REGISTRY_AUTH_TOOLS with htpasswd).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolPath } from "./tools.js";

/** What startRegistry() needs, and with a htpasswd file. */
export const REGISTRY_TOOLS = ["docker-registry"];
export const REGISTRY_AUTH_TOOLS = ["docker-registry", "htpasswd"];

export interface RegistryServer {
  /** "127.0.0.1:<port>" */
  host: string;
  /** The storage root (filesystem driver), for tests that check what the registry stored. */
  dataDir: string;
  stop(): Promise<void>;
}

/** Options beyond the defaults (plain HTTP, deletes enabled, no auth). */
export interface RegistryOptions {
  htpasswd?: { user: string; password: string };
  /** The IP to listen on and to name the registry by (default 127.0.0.1). */
  address?: string;
  /** The port (default: a free one), for tests that must name the registry before it starts. */
  port?: number;
  /** Serve HTTPS (http.tls): PEM files; minimumTls as the config spells it (tls1.0 … tls1.3). */
  tls?: { certificate: string; key: string; minimumTls?: string; cipherSuites?: string[] };
  /** storage.delete.enabled (default true). */
  deleteEnabled?: boolean;
  /** http.headers: extra response headers the registry sends. */
  headers?: Record<string, string[]>;
  /** auth.token: a token server (test code) issues tokens signed by a key of rootCertBundle. */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** More top-level YAML lines for the config file (e.g. an `auth: token:` block), appended as given. */
  config?: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** GET /v2/ status, over HTTPS without verification when the registry serves TLS. */
function ping(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith("https:") ? https : http).get(url, { rejectUnauthorized: false, agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<RegistryServer> {
  const registryBinary = toolPath("docker-registry");
  const dir = mkdtempSync(join(tmpdir(), "bw-registry-"));
  const port = opts.port ?? (await freePort());
  const host = `${opts.address ?? "127.0.0.1"}:${port}`;
  mkdirSync(join(dir, "data"));
  const lines = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(join(dir, "data"))}`,
    "  delete:",
    `    enabled: ${opts.deleteEnabled ?? true}`,
    "http:",
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
  ];
  if (opts.tls) {
    lines.push("  tls:", `    certificate: ${JSON.stringify(opts.tls.certificate)}`, `    key: ${JSON.stringify(opts.tls.key)}`);
    if (opts.tls.minimumTls) lines.push(`    minimumtls: ${opts.tls.minimumTls}`);
    if (opts.tls.cipherSuites) lines.push("    ciphersuites:", ...opts.tls.cipherSuites.map((c) => `      - ${c}`));
  }
  if (opts.headers) {
    lines.push("  headers:");
    for (const [name, values] of Object.entries(opts.headers)) lines.push(`    ${name}: ${JSON.stringify(values)}`);
  }
  if (opts.token) {
    const t = opts.token;
    lines.push("auth:", "  token:", `    realm: ${JSON.stringify(t.realm)}`, `    service: ${JSON.stringify(t.service)}`, `    issuer: ${JSON.stringify(t.issuer)}`, `    rootcertbundle: ${JSON.stringify(t.rootCertBundle)}`);
  }
  if (opts.htpasswd) {
    const entry = execFileSync(toolPath("htpasswd"), ["-Bbn", opts.htpasswd.user, opts.htpasswd.password], { encoding: "utf8" });
    writeFileSync(join(dir, "htpasswd"), entry.trim() + "\n");
    lines.push("auth:", "  htpasswd:", "    realm: bulwark-test", `    path: ${JSON.stringify(join(dir, "htpasswd"))}`);
  }
  if (opts.config) lines.push(...opts.config);
  const configFile = join(dir, "config.yml");
  writeFileSync(configFile, lines.join("\n") + "\n");

  const child = spawn(registryBinary, ["serve", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => { exited = true; resolve(); }));

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`docker-registry exited during startup: ${stderr}`);
    }
    try {
      const status = await ping(`${opts.tls ? "https" : "http"}://${host}/v2/`);
      if (status === 200 || status === 401) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${host}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host, dataDir: join(dir, "data"), stop };
}
