// The built CLI, run as users run it: a child process of `node dist/src/cli/main.js`.
import { spawn } from "node:child_process";

/** The CLI entry point in the build (tests that use it skip when it is absent). */
export const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;

/**
 * Runs the CLI without blocking the test's event loop (so servers the test runs in process keep
 * answering it); `env` is the whole environment of the child.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
