// Live host only: the command lines of running daemons from /proc (never executed, only read).
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  comm: string;
  argv: string[];
}

/** Processes whose command name (comm or argv[0] base name) is one of `names`. */
export function findProcesses(names: readonly string[], procDir = "/proc"): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let pids: string[];
  try {
    pids = readdirSync(procDir).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  for (const p of pids) {
    try {
      const comm = readFileSync(`${procDir}/${p}/comm`, "utf8").trim();
      const raw = readFileSync(`${procDir}/${p}/cmdline`);
      if (raw.length === 0) continue;
      const argv = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString("utf8").split("\0");
      if (argv[argv.length - 1] === "") argv.pop();
      const base = (argv[0] ?? "").split("/").pop() ?? "";
      const hit = names.find((n) => n === comm || n === base);
      if (hit) out.push({ pid: Number(p), comm: hit, argv });
    } catch {
      // gone or not readable
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}
