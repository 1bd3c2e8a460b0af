// CPU of processes from /proc/PID/stat, for the runtime watcher's cost (tests and bench).
import { readdirSync, readFileSync } from "node:fs";

/** bpftrace started by this process (the watcher's child), if one runs. */
export function bpftracePid(): number | undefined {
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (stat.includes("(bpftrace)") && Number(rest[1]) === process.pid) return Number(d);
    } catch {
      // Gone.
    }
  }
  return undefined;
}

/** user+system CPU of a process in ms (clock ticks of 10 ms); 0 when it is gone. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    return 0;
  }
}
