// Runs a real registry (distribution's `docker-registry`) on 127.0.0.1 for tests. Tests check
// for the tools first: missingTool(what, REGISTRY_TOOLS) (or REGISTRY_AUTH_TOOLS with htpasswd).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  /** The registry's storage root (filesystem driver): blobs are under docker/registry/v2/blobs. */
  dataDir: string;
  stop(): Promise<void>;
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

/** `address`: the IP to listen on and to name the registry by (default 127.0.0.1). */
/**
 * `config`: more top-level YAML lines for the registry's config file (e.g. an `auth: token:`
 * block), appended as given.
 */
export async function startRegistry(opts: { htpasswd?: { user: string; password: string }; address?: string; config?: string[] } = {}): Promise<RegistryServer> {
  const registryBinary = toolPath("docker-registry");
  const dir = mkdtempSync(join(tmpdir(), "bw-registry-"));
  const port = await freePort();
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
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
  ];
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
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 || res.status === 401) break;
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
