// Small helpers every command file shares.
import { UserError } from "../index.js";

/** `--exit-code N`: 0-255, and not 2 (usage and input errors). */
export function parseExitCode(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new UserError("USAGE", `--exit-code must be an integer 0-255, got "${s}"`);
  if (n === 2) throw new UserError("USAGE", "--exit-code 2 is reserved for errors; choose another code (1 is usual)");
  return n;
}

/** Standard input as text, one trailing newline removed (`--password-stdin`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}
