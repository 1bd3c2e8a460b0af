// `bulwark admission serve` as a process for end-to-end tests: started on a free port, ready once
// it logs "listening on", stopped with SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "./registry-server.js";

export interface Webhook {
  proc: ChildProcess;
  port: number;
  /** Its stderr so far. */
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts `node BIN admission serve --listen 127.0.0.1:PORT ARGS…` in `cwd` with `env`. */
export async function startWebhook(bin: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Webhook> {
  const port = await freePort();
  const proc = spawn(process.execPath, [bin, "admission", "serve", "--listen", `127.0.0.1:${port}`, ...args], { cwd: opts.cwd, stdio: ["ignore", "ignore", "pipe"], env: opts.env });
  let err = "";
  proc.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const started = Date.now();
  while (!/listening on/.test(err)) {
    if (proc.exitCode !== null) throw new Error(`webhook exited ${proc.exitCode}: ${err}`);
    if (Date.now() - started > 30_000) throw new Error(`webhook did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    port,
    log: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}
