// Progress on stderr, only when stderr is a terminal and not --quiet.
import type { ProgressEvent, UpdateProgress } from "../index.js";

export function progressReporter(enabled: boolean): ((e: ProgressEvent) => void) | undefined {
  if (!enabled) return undefined;
  // Sources and the scanner may both announce a layer: count each digest once.
  const running = new Map<string, { bytes: number; size?: number }>();
  let done = 0;
  let cached = 0;
  const draw = (msg: string): void => {
    process.stderr.write(`\r\x1b[2K${msg}`);
  };
  const status = (): string => {
    let bytes = 0;
    for (const r of running.values()) bytes += r.bytes;
    const mb = bytes > 0 ? `, ${(bytes / 2 ** 20).toFixed(1)} MiB pulled` : "";
    return `layers: ${done} done (${cached} cached), ${running.size} in progress${mb}`;
  };
  process.once("exit", () => process.stderr.write("\r\x1b[2K"));
  return (e) => {
    switch (e.kind) {
      case "resolve":
        draw(e.message);
        break;
      case "layer-start":
        if (!running.has(e.digest)) running.set(e.digest, { bytes: 0, ...(e.size !== undefined ? { size: e.size } : {}) });
        draw(status());
        break;
      case "layer-bytes": {
        const r = running.get(e.digest);
        if (r) r.bytes = e.bytes;
        draw(status());
        break;
      }
      case "layer-done":
        running.delete(e.digest);
        done++;
        if (e.cached) cached++;
        draw(status());
        break;
    }
  };
}

/** Progress for advisory DB updates. */
export function dbProgress(enabled: boolean): ((p: UpdateProgress) => void) | undefined {
  if (!enabled) return undefined;
  process.once("exit", () => process.stderr.write("\r\x1b[2K"));
  return (p) => {
    const total = p.total ? `/${p.total}` : "";
    const unit = p.phase === "download" ? " bytes" : " records";
    process.stderr.write(`\r\x1b[2Kadvisories ${p.ecosystem}: ${p.phase} ${p.done}${total}${unit}`);
  };
}

/**
 * The line a writer prints while another process holds the advisory database's write lock
 * (always, TTY or not: a silent wait looks like a hang in CI logs).
 */
export function lockWaitNotice(dbPath: string): (waitedMs: number, lockPath: string) => void {
  return (waitedMs, lockPath) => {
    const clear = process.stderr.isTTY === true ? "\r\x1b[2K" : "";
    process.stderr.write(`${clear}bulwark: waiting for another process writing ${dbPath} (${Math.round(waitedMs / 1000)} s so far; lock ${lockPath})\n`);
  };
}
